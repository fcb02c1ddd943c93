import { BrowserUrlWarning } from '../../components/browser-url-warning.tsx';
import type { Page } from '../../lib/api.ts';
import { Link } from '../../lib/router.ts';
import { useGet } from '../../lib/use-api.ts';
import type { Outpost, Version } from '../../lib/types.ts';

/** The embedded outpost's `managed` value. */
const EMBEDDED = 'goauthentik.io/outposts/embedded';

/** A count tile that links to its list. */
function Tile(props: { label: string; path: string; href: string }) {
  const count = useGet<Page<unknown>>(`${props.path}${props.path.includes('?') ? '&' : '?'}page_size=1`).data
    ?.pagination.count;
  return (
    <Link href={props.href} class="tile">
      <span class="tile-count">{count ?? '…'}</span>
      <span class="tile-label">{props.label}</span>
    </Link>
  );
}

/**
 * The dashboard: a warning while the embedded outpost has no browser-facing URL, how many of each object
 * there are, and the running version.
 */
export function DashboardPage() {
  const version = useGet<Version>('/admin/version/').data;
  const embedded = useGet<Page<Outpost>>(
    `/outposts/instances/?managed__iexact=${encodeURIComponent(EMBEDDED)}`,
  ).data?.results.find((o) => o.managed === EMBEDDED);
  return (
    <>
      {embedded && (
        <BrowserUrlWarning authentikHost={embedded.config.authentik_host} outpostName={embedded.name} />
      )}
      <section class="tiles" aria-label="Overview">
        <Tile
          label="Applications"
          path="/core/applications/?superuser_full_list=true"
          href="/core/applications"
        />
        <Tile label="Providers" path="/providers/all/" href="/core/providers" />
        <Tile label="Outposts" path="/outposts/instances/" href="/outpost/outposts" />
        <Tile label="Users" path="/core/users/" href="/identity/users" />
        <Tile label="Groups" path="/core/groups/" href="/identity/groups" />
        <Tile label="Certificates" path="/crypto/certificatekeypairs/" href="/crypto/certificates" />
      </section>
      <section class="card">
        <h2>Version</h2>
        <p>
          Palisade <strong>{version?.version_current ?? '…'}</strong>
          {version?.build_hash ? ` (build ${version.build_hash.slice(0, 12)})` : ''}
        </p>
        <p class="hint">
          To put single sign-on in front of an application: create a proxy provider, an application that uses
          it, and add the application to an outpost.
        </p>
      </section>
    </>
  );
}
