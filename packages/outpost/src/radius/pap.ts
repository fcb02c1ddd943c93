/**
 * PAP (ldap-radius-rac.md §2.3): User-Name and the revealed User-Password, the MFA code split off as the
 * provider says, the throttle, the flow through the core's executor with the NAS's address delegated, then
 * the access check and the mapped attributes. Every failure is an Access-Reject with its reason counted;
 * nothing but a passed flow and a passing check is an Accept, or, where the provider turns the warm cache
 * on, the kept outcome of one for the same NAS, user and password (auth-cache.ts).
 */
import { ExecutorClient } from '../flow/executor-client.ts';
import { splitSecret } from '../flow/mfa-split.ts';
import { type FlowOutcome, runFlow } from '../flow/run-flow.ts';
import type { CoreFetch } from '../process/core-fetch.ts';
import type { Logger } from '../process/logger.ts';
import { checkAccess } from './access-check.ts';
import type { AuthCache } from './auth-cache.ts';
import { ATTR, attribute } from './attributes.ts';
import type { RadiusMetrics, RejectReason } from './metrics.ts';
import { CODE } from './packet.ts';
import { revealPassword } from './password.ts';
import type { Throttle } from './throttle.ts';
import type { HandlerReply, RadiusRequest, RequestHandler } from './types.ts';

/** What the PAP handler needs of the runtime. */
export interface PapDeps {
  fetch: CoreFetch;
  host: URL;
  token: string;
  /** `goauthentik.io/outpost/<version>`. */
  userAgent: string;
  metrics: RadiusMetrics;
  throttle: Throttle;
  /** Successful outcomes, for providers with `authCacheSeconds` above 0. */
  cache: AuthCache;
  log: Logger;
}

const REJECT: HandlerReply = { code: CODE.AccessReject, attributes: [] };

/** The PAP handler. */
export function papHandler(deps: PapDeps): RequestHandler {
  const { metrics, throttle, cache, log } = deps;
  return async (request: RadiusRequest) => {
    const { provider, packet, address } = request;
    const app = provider.appSlug;
    const reject = (reason: RejectReason, detail: string, user?: string): HandlerReply => {
      metrics.rejected(app, reason);
      log.info({ client: address, app, user, reason, detail }, 'Access-Reject');
      return REJECT;
    };
    const userName = attribute(packet, ATTR.UserName);
    const hidden = attribute(packet, ATTR.UserPassword);
    if (!userName || !hidden)
      return reject('unsupported', 'no User-Name or User-Password (only PAP and EAP)');
    const username = userName.toString('utf8');
    const password = revealPassword(hidden, provider.secret, packet.authenticator).toString('utf8');
    if (throttle.isLimited(username, address)) return reject('rate_limited', 'too many failures', username);
    const cacheKey = provider.authCacheSeconds > 0 ? cache.key(provider, address, username, password) : '';
    const cached = cacheKey ? cache.get(cacheKey, provider) : undefined;
    if (cached) {
      metrics.cacheHit(app);
      log.info({ client: address, app, user: username, cached: true }, 'Access-Accept');
      return { code: CODE.AccessAccept, attributes: cached };
    }
    // One client per attempt: its jar holds only this user's session, for the access check after the flow.
    const client = new ExecutorClient({
      fetch: deps.fetch,
      host: deps.host,
      token: deps.token,
      userAgent: deps.userAgent,
      clientIp: address,
      outpostType: 'radius',
    });
    let flow: FlowOutcome;
    try {
      flow = await runFlow(client, provider.flowSlug, {
        username,
        ...splitSecret(password, provider.mfaSupport),
      });
    } catch (error) {
      // The core is away or answered outside the protocol (CoreUnavailableError): a Reject, never an Accept.
      flow = { ok: false, reason: 'flow_error', detail: (error as Error).message };
    }
    if (!flow.ok) {
      throttle.failed(username, address);
      return reject(flow.reason, flow.detail, username);
    }
    const access = await checkAccess(client, { providerPk: provider.pk, appSlug: app });
    if (!access.passing) return reject(access.reason, access.detail, username);
    if (cacheKey && !flow.usedCode)
      cache.set(cacheKey, provider, {
        attributes: access.attributes,
        sid: flow.session.sid,
        sessionExpires: flow.session.expires,
      });
    log.info({ client: address, app, user: username }, 'Access-Accept');
    return { code: CODE.AccessAccept, attributes: access.attributes };
  };
}
