/** The user interface: the applications this user may open, as a launcher, and sign out. */
import { render } from 'preact';
import '../styles.css';
import { SignOut } from '../components/sign-out.tsx';
import type { Page } from '../lib/api.ts';
import { useGet } from '../lib/use-api.ts';
import type { Application, UserSelf } from '../lib/types.ts';

function initials(name: string): string {
  return name
    .split(/\s+/)
    .slice(0, 2)
    .map((w) => w[0]?.toUpperCase() ?? '')
    .join('');
}

function Launcher() {
  const me = useGet<{ user: UserSelf }>('/core/users/me/').data?.user;
  // The default list is the caller's own: only the applications its bindings let this user open.
  const apps = useGet<Page<Application>>('/core/applications/?page_size=100&ordering=name');
  return (
    <div class="user-shell">
      <a class="skip-link" href="#main">
        Skip to content
      </a>
      <header class="topbar">
        <span class="brand">Palisade</span>
        <span class="who">{me ? me.name || me.username : ''}</span>
        {me?.is_superuser && (
          <a class="button secondary" href="/if/admin/">
            Admin interface
          </a>
        )}
        <SignOut />
      </header>
      <main id="main" tabIndex={-1}>
        <h1>My applications</h1>
        {apps.error && (
          <p class="form-error" role="alert">
            Could not load your applications: {apps.error.message}
          </p>
        )}
        {apps.data && apps.data.results.length === 0 && <p>No applications are available to you yet.</p>}
        <ul class="launcher">
          {apps.data?.results.map((a) => {
            const url = a.launch_url;
            const body = (
              <>
                {a.meta_icon_url ? (
                  <img src={a.meta_icon_url} alt="" />
                ) : (
                  <span class="app-icon" aria-hidden="true">
                    {initials(a.name)}
                  </span>
                )}
                <span class="app-name">{a.name}</span>
                {a.meta_publisher && <span class="hint">{a.meta_publisher}</span>}
                {a.meta_description && <span class="app-description">{a.meta_description}</span>}
              </>
            );
            return (
              <li key={a.pk}>
                {url ? (
                  <a
                    class="app-card"
                    href={url}
                    target={a.open_in_new_tab ? '_blank' : undefined}
                    rel="noopener"
                  >
                    {body}
                  </a>
                ) : (
                  <div class="app-card disabled">
                    {body}
                    <span class="hint">No launch URL</span>
                  </div>
                )}
              </li>
            );
          })}
        </ul>
      </main>
    </div>
  );
}

const root = document.getElementById('app');
if (root) render(<Launcher />, root);
