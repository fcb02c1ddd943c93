import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { SignOut } from '../components/sign-out.tsx';
import { Link } from '../lib/router.ts';
import { useGet } from '../lib/use-api.ts';
import type { UserSelf } from '../lib/types.ts';

/** The sidebar as the guides name it: sections, and the screens in each. */
export const NAVIGATION: Array<{ section: string | null; links: Array<[string, string]> }> = [
  { section: null, links: [['/', 'Dashboard']] },
  {
    section: 'Applications',
    links: [
      ['/core/applications', 'Applications'],
      ['/core/providers', 'Providers'],
      ['/core/rac-endpoints', 'RAC Endpoints'],
      ['/customization/property-mappings', 'RAC Property Mappings'],
      ['/customization/radius-property-mappings', 'RADIUS Property Mappings'],
      ['/outpost/outposts', 'Outposts'],
    ],
  },
  {
    section: 'System',
    links: [
      ['/outpost/integrations', 'Outpost Integrations'],
      ['/crypto/certificates', 'Certificates'],
      ['/administration/system-tasks', 'System Tasks'],
    ],
  },
  {
    section: 'Directory',
    links: [
      ['/identity/users', 'Users'],
      ['/identity/groups', 'Groups'],
      ['/core/tokens', 'Tokens'],
    ],
  },
  {
    section: 'Flows and Stages',
    links: [
      ['/flow/flows', 'Flows'],
      ['/flow/stages', 'Stages'],
    ],
  },
  { section: null, links: [['/events/log', 'Events']] },
];

/** The frame of every admin screen: skip link, header, sidebar, and the screen's heading and content. */
export function Layout(props: { path: string; title: string; children: ComponentChildren }) {
  const me = useGet<{ user: UserSelf }>('/core/users/me/').data?.user;
  const [menuOpen, setMenuOpen] = useState(false);
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    document.title = `${props.title} · Palisade admin`;
    setMenuOpen(false);
  }, [props.title]);
  const active = (href: string) => (href === '/' ? props.path === '/' : props.path.startsWith(href));
  return (
    <div class={`shell${menuOpen ? ' menu-open' : ''}`}>
      <a class="skip-link" href="#main">
        Skip to content
      </a>
      <header class="topbar">
        <button
          type="button"
          class="menu-toggle secondary"
          aria-expanded={menuOpen}
          aria-controls="sidebar"
          onClick={() => setMenuOpen(!menuOpen)}
        >
          Menu
        </button>
        <span class="brand">Palisade</span>
        <span class="who">{me ? me.username : ''}</span>
        <a class="button secondary" href="/if/user/">
          User interface
        </a>
        <SignOut />
      </header>
      {/* A link chosen in the folded menu closes it, also the current screen's (whose title stays). */}
      <nav
        id="sidebar"
        class="sidebar"
        aria-label="Admin"
        onClick={(e) => (e.target as HTMLElement).closest('a') && setMenuOpen(false)}
      >
        {NAVIGATION.map((group, i) => (
          <div key={group.section ?? i} class="nav-group">
            {group.section && <h2 class="nav-section">{group.section}</h2>}
            <ul>
              {group.links.map(([href, label]) => (
                <li key={href}>
                  <Link href={href} current={active(href)}>
                    {label}
                  </Link>
                </li>
              ))}
            </ul>
          </div>
        ))}
      </nav>
      <main id="main" tabIndex={-1}>
        <h1 ref={heading}>{props.title}</h1>
        {props.children}
      </main>
    </div>
  );
}
