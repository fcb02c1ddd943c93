/**
 * The user interface: the applications this user may open, as a launcher; their MFA devices; their network
 * password; sign out.
 */
import { render } from 'preact';
import '../styles.css';
import { SignOut } from '../components/sign-out.tsx';
import type { Page } from '../lib/api.ts';
import { useGet } from '../lib/use-api.ts';
import type { Application, UserSelf } from '../lib/types.ts';
import { MFA_PATH, MfaPage } from './mfa.tsx';
import { NETWORK_PASSWORD_PATH, NetworkPasswordPage } from './network-password.tsx';
import { RemoteEndpoints, useRemoteEndpoints } from './remote-endpoints.tsx';

function initials(name: string): string {
  return name
    .split(/\s+/)
    .slice(0, 2)
    .map((w) => w[0]?.toUpperCase() ?? '')
    .join('');
}

/** The user interface: its top bar, and the launcher, the MFA devices page or the network password page. */
function UserInterface() {
  const me = useGet<{ user: UserSelf }>('/core/users/me/').data?.user;
  const path = location.pathname.replace(/\/+$/, '');
  const onMfa = path === MFA_PATH;
  const onNetwork = path === NETWORK_PASSWORD_PATH;
  return (
    <div class="user-shell">
      <a class="skip-link" href="#main">
        Skip to content
      </a>
      <header class="topbar">
        <span class="brand">Palisade</span>
        <span class="who">{me ? me.name || me.username : ''}</span>
        <nav aria-label="Sections">
          <a href="/if/user/" aria-current={onMfa || onNetwork ? undefined : 'page'}>
            Applications
          </a>{' '}
          <a href={MFA_PATH} aria-current={onMfa ? 'page' : undefined}>
            MFA devices
          </a>{' '}
          <a href={NETWORK_PASSWORD_PATH} aria-current={onNetwork ? 'page' : undefined}>
            Network password
          </a>
        </nav>
        {me?.is_superuser && (
          <a class="button secondary" href="/if/admin/">
            Admin interface
          </a>
        )}
        <SignOut />
      </header>
      <main id="main" tabIndex={-1}>
        {onMfa ? <MfaPage /> : onNetwork ? <NetworkPasswordPage /> : <Launcher />}
      </main>
    </div>
  );
}

/** The applications this user may open, as a launcher. */
function Launcher() {
  // The default list is the caller's own: only the applications its bindings let this user open.
  const apps = useGet<Page<Application>>('/core/applications/?page_size=100&ordering=name');
  const remote = useRemoteEndpoints();
  // An RAC application has no launch URL of its own: its endpoints are listed below instead.
  const remoteApps = new Set(remote.data?.results.map((e) => e.provider_obj.assigned_application_slug));
  return (
    <>
      <h1>My applications</h1>
      {apps.error && (
        <p class="form-error" role="alert">
          Could not load your applications: {apps.error.message}
        </p>
      )}
      {apps.data && apps.data.results.length === 0 && <p>No applications are available to you yet.</p>}
      <ul class="launcher">
        {apps.data?.results
          .filter((a) => !remoteApps.has(a.slug))
          .map((a) => {
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
      <RemoteEndpoints endpoints={remote} />
    </>
  );
}

const root = document.getElementById('app');
if (root) render(<UserInterface />, root);
