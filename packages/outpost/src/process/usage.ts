/**
 * What the outpost program says about itself: shared by its own command (`palisade-outpost`) and the core's
 * alias (`palisade outpost`). A file of text only, so printing help loads nothing else.
 */

/** The environment the outpost reads, one variable a line. */
export const OUTPOST_ENVIRONMENT_HELP = `It reads only the environment (see docs/outposts.md, "Running an outpost"):
  AUTHENTIK_HOST                 the core's URL (required; may carry a path prefix)
  AUTHENTIK_TOKEN                the outpost's token key (required; surrounding white space is dropped)
  AUTHENTIK_INSECURE             true: do not verify the core's TLS certificate
  AUTHENTIK_HOST_BROWSER         the core's URL as browsers reach it, when it differs
  AUTHENTIK_LISTEN__HTTP         default 0.0.0.0:9000
  AUTHENTIK_LISTEN__HTTPS        default 0.0.0.0:9443
  AUTHENTIK_LISTEN__METRICS      default 0.0.0.0:9300
  AUTHENTIK_LISTEN__TRUSTED_PROXY_CIDRS  comma-separated CIDRs whose X-Forwarded-* headers are believed
Values may be file://<path> or env://<VARIABLE>. Logs are JSON lines on stdout. SIGUSR1 fetches the
configuration again; SIGINT or SIGTERM closes the websocket, lets in-flight requests finish (up to 10 s)
and exits 0.`;

/** What running the outpost does. */
export const OUTPOST_RUN_HELP = `Runs the outpost of the type its token's outpost has (proxy in this build): it finds its outpost with
its token, fetches its configuration from the core, keeps a websocket to it, and serves the type's ports
(proxy: 9000 HTTP, 9443 HTTPS) and 9300 (/metrics, unauthenticated: never publish it).`;

/** What the health check does. */
export const OUTPOST_HEALTHCHECK_HELP = `Sends HEAD http://<AUTHENTIK_LISTEN__METRICS>/outpost.goauthentik.io/ping (0.0.0.0 is asked on 127.0.0.1)
and exits 0 when it answers below 400, else 1.`;
