/**
 * Which application answers a host (spec §3.1): exact external host; else the forward_domain application
 * whose cookie domain covers the host on a label boundary (longest wins); else the only application, when
 * there is exactly one.
 */
import { hostnameOf, isUnderDomain } from '../url/canonical.ts';
import type { Application } from './application.ts';

/** Looks up applications by canonical host. */
export interface HostRouter {
  /**
   * The application for a host. `onlyAsFallback: false` skips the "the only application" rule: the embedded
   * outpost must not take the core's own host just because it serves one application.
   */
  find(host: string | undefined, options?: { onlyAsFallback?: boolean }): Application | undefined;
  readonly applications: readonly Application[];
}

/** Builds the router over a set of applications (later ones win exact-host ties, as in the reference). */
export function createHostRouter(applications: readonly Application[]): HostRouter {
  const byHost = new Map<string, Application>();
  for (const app of applications) byHost.set(app.host, app);
  const domainApps = applications.filter(
    (app) => app.config.mode === 'forward_domain' && app.cookieDomain !== '',
  );
  return {
    applications,
    find(host, options = {}) {
      if (host !== undefined) {
        const exact = byHost.get(host);
        if (exact) return exact;
        const hostname = hostnameOf(host);
        let best: Application | undefined;
        for (const app of domainApps)
          if (
            isUnderDomain(hostname, app.cookieDomain) &&
            app.cookieDomain.length >= (best?.cookieDomain.length ?? 0)
          )
            best = app;
        if (best) return best;
      }
      return (options.onlyAsFallback ?? true) && applications.length === 1 ? applications[0] : undefined;
    },
  };
}
