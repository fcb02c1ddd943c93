/**
 * A simple bind through the core (spec §1.6): the provider from the DN, the bind flow through the
 * executor with the client's address, then check_access and users/me in the session the flow created.
 * Result codes (spec §4): no provider or access denied 50, refused credentials 49, anything the core does
 * not answer as the protocol says 52 (unavailable). Nothing else returns success: the two places where the
 * reference reads a crash as success (reference study §4.4: a failing check_access, a flow without a
 * session cookie) are errors here, each with a test in test/ldap/bind-fail-closed.test.ts.
 */
import { type LdapProvider, providerFor } from './config.ts';
import { normalizeDn, parseDn } from './dn.ts';
import { CoreUnavailableError, type ExecutorClient, type FlowSession } from '../flow/executor-client.ts';
import { splitSecret } from '../flow/mfa-split.ts';
import { runFlow } from '../flow/run-flow.ts';
import { checkAccess, checkMe } from './reads.ts';
import { RESULT } from './result-codes.ts';

/** Who a connection is bound as. */
export interface BoundUser {
  provider: LdapProvider;
  /** The bind DN as sent, and normalized. */
  dn: string;
  dnKey: string;
  username: string;
  userPk: number;
  /** has_search_permission: the whole directory rather than only oneself. */
  canSearch: boolean;
  session: FlowSession;
}

/** A bind's outcome: success with the bound user, or a code and the reject reason (a metrics label). */
export type BindOutcome =
  { code: 0; user: BoundUser } | { code: number; reason: BindRejection; detail: string };

/** Reject reasons (spec §1.6 names; `unavailable` is Palisade's for a core outside the protocol). */
export type BindRejection =
  | 'no_provider'
  | 'invalid_dn'
  | 'flow_error'
  | 'invalid_credentials'
  | 'access_denied'
  | 'access_check_fail'
  | 'user_info_fail'
  | 'unavailable';

/** The provider and username a bind DN names (the first `cn` RDN, case kept), if any. */
export function parseBindDn(
  providers: readonly LdapProvider[],
  dn: string,
): { provider: LdapProvider; username: string; dnKey: string } | 'invalid' | undefined {
  const dnKey = normalizeDn(dn);
  const rdns = parseDn(dn);
  if (dnKey === undefined || !rdns) return 'invalid';
  const provider = providerFor(providers, dnKey);
  const cn = rdns[0]?.find((ava) => ava.type.toLowerCase() === 'cn');
  if (!provider || !cn || dnKey === provider.baseKey || cn.value === '') return undefined;
  return { provider, username: cn.value, dnKey };
}

/** Runs a bind for `secret` against the core with a fresh executor `client`. */
export async function bindThroughCore(
  client: ExecutorClient,
  providers: readonly LdapProvider[],
  dn: string,
  secret: string,
): Promise<BindOutcome> {
  const target = parseBindDn(providers, dn);
  if (target === 'invalid')
    return { code: RESULT.invalidCredentials, reason: 'invalid_dn', detail: 'bind DN does not parse' };
  if (!target) {
    return {
      code: RESULT.insufficientAccessRights,
      reason: 'no_provider',
      detail: 'no provider for this DN',
    };
  }
  const { provider, username, dnKey } = target;
  const secrets = { username, ...splitSecret(secret, provider.mfaSupport) };
  let step: BindRejection = 'flow_error';
  try {
    const flow = await runFlow(client, provider.bindFlowSlug, secrets);
    if (!flow.ok) return { code: RESULT.invalidCredentials, reason: flow.reason, detail: flow.detail };
    step = 'access_check_fail';
    const access = await client.get(
      `outposts/ldap/${provider.pk}/check_access/?app_slug=${encodeURIComponent(provider.applicationSlug)}`,
      checkAccess,
    );
    if (access.access.passing !== true) {
      return {
        code: RESULT.insufficientAccessRights,
        reason: 'access_denied',
        detail: access.access.messages.join('; '),
      };
    }
    step = 'user_info_fail';
    const me = await client.get('core/users/me/', checkMe);
    // The flow signed in whoever the identification stage found (an email works there): the entry is theirs.
    return {
      code: RESULT.success,
      user: {
        provider,
        dn,
        dnKey,
        username: me.user.username,
        userPk: me.user.pk,
        canSearch: access.has_search_permission === true,
        session: flow.session,
      },
    };
  } catch (error) {
    const detail = (error as Error).message;
    if (error instanceof CoreUnavailableError) return { code: RESULT.unavailable, reason: step, detail };
    // Anything unexpected is still a refusal, never success.
    return { code: RESULT.unavailable, reason: step, detail: `unexpected: ${detail}` };
  }
}
