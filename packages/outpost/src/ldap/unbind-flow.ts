/**
 * The end of a direct bind (spec §1.8): the provider's invalidation flow run through the executor in the
 * session the bind created, so the core's login session ends with the LDAP one. Unlike a bind there is
 * nothing to answer: the flow's user-logout stage ends the session on the first request and the flow
 * redirects. The reference does not carry the session into this request, so its unbind logs nobody out
 * (reference study §4.6); here the executor client holds it.
 */
import { CoreUnavailableError, type ExecutorClient, SESSION_COOKIE } from '../flow/executor-client.ts';

/** How an unbind flow ended; `reason` is the reject reason of the `unbind` metric. */
export type UnbindOutcome =
  | { ok: true }
  | {
      ok: false;
      reason: 'unbind_flow_error' | 'unbind_flow_unavailable' | 'unbind_session_kept';
      detail: string;
    };

/** The flow executor marker an LDAP outpost sends (spec §0.2). */
const MARKER = 'goauthentik.io/outpost/ldap=true';

/** Runs invalidation flow `slug` with `client`, which holds the session to end. Never throws. */
export async function runUnbindFlow(client: ExecutorClient, slug: string): Promise<UnbindOutcome> {
  const path = `flows/executor/${encodeURIComponent(slug)}/?query=${encodeURIComponent(MARKER)}`;
  let reply: { status: number; json: unknown };
  try {
    reply = await client.request('GET', path);
  } catch (error) {
    const detail = (error as Error).message;
    if (error instanceof CoreUnavailableError)
      return { ok: false, reason: 'unbind_flow_unavailable', detail };
    return { ok: false, reason: 'unbind_flow_unavailable', detail: `unexpected: ${detail}` };
  }
  if (reply.status !== 200) {
    return { ok: false, reason: 'unbind_flow_unavailable', detail: `flow ${slug}: status ${reply.status}` };
  }
  const component = (reply.json as { component?: unknown } | null)?.component;
  if (component !== 'xak-flow-redirect') {
    return {
      ok: false,
      reason: 'unbind_flow_error',
      detail: `flow ${slug}: ${String(component)}, not a redirect`,
    };
  }
  // A flow without a user-logout stage finishes too, but leaves the session; the log says so.
  if (client.session()) {
    return {
      ok: false,
      reason: 'unbind_session_kept',
      detail: `flow ${slug} kept the ${SESSION_COOKIE} session`,
    };
  }
  return { ok: true };
}
