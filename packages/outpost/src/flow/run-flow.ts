/**
 * One flow run through the core's executor (ldap-radius-rac.md §0.2): GET the flow with the outpost type's
 * marker, answer each challenge by its component, at most 10 rounds. LDAP binds and RADIUS PAP both
 * authenticate here. Nothing reads as success but a redirect challenge followed by an `authentik_session`
 * cookie in the jar (reference study §4.4: a "success" without a session would let anyone in).
 */
import type { Secrets } from './mfa-split.ts';
import {
  CoreUnavailableError,
  type ExecutorClient,
  type FlowSession,
  SESSION_COOKIE,
} from './executor-client.ts';

/**
 * How a flow run ended: `invalid_credentials` for what the flow refused, `flow_error` for the rest. A passed
 * run says whether a code answered an MFA stage: a one-time code, so that outcome must not be reused.
 */
export type FlowOutcome =
  | { ok: true; session: FlowSession; usedCode: boolean }
  | { ok: false; reason: 'invalid_credentials' | 'flow_error'; detail: string };

/** What a flow run answers with: the user as typed and the secrets the password carried. */
export type FlowSecrets = Secrets & { username: string };

const MAX_ROUNDS = 10;

type Challenge = Record<string, unknown> & { component?: unknown };

/** How the run goes on after a challenge: a POST body, or its end. */
type Step =
  { post: unknown } | { end: 'passed' } | { end: 'invalid_credentials' | 'flow_error'; detail: string };

/** The step answering `challenge`. */
function answer(challenge: Challenge, secrets: FlowSecrets): Step {
  const { username, password, code } = secrets;
  switch (challenge.component) {
    case 'ak-stage-identification':
      // The password goes inline: the identification stage uses it when a password stage is attached.
      return { post: { component: 'ak-stage-identification', uid_field: username, password } };
    case 'ak-stage-password':
      return { post: { component: 'ak-stage-password', password } };
    case 'ak-stage-user-login':
      return { post: { component: 'ak-stage-user-login', remember_me: true } };
    case 'ak-stage-authenticator-validate': {
      const devices = Array.isArray(challenge.device_challenges)
        ? (challenge.device_challenges as unknown[])
        : [];
      const device = devices.find((d) => {
        const kind = (d as { device_class?: unknown } | null)?.device_class;
        return kind === 'totp' || kind === 'static';
      });
      if (!device) return { end: 'flow_error', detail: 'no TOTP or static device to answer with' };
      // The user has a code-based device and sent no code: their credentials are short, not the flow.
      if (code === undefined) return { end: 'invalid_credentials', detail: 'a second factor is required' };
      return { post: { component: 'ak-stage-authenticator-validate', selected_challenge: device, code } };
    }
    case 'xak-flow-redirect':
      return { end: 'passed' };
    case 'ak-stage-access-denied':
      return { end: 'invalid_credentials', detail: String(challenge.error_message ?? 'access denied') };
    default:
      return { end: 'flow_error', detail: `unsupported challenge type ${String(challenge.component)}` };
  }
}

/**
 * Runs flow `slug` in `client`'s jar with `secrets`. Throws CoreUnavailableError when the core cannot be
 * reached or answers outside the protocol (a status other than 200, a body that is no challenge, a finish
 * without a session); each caller turns that into its protocol's refusal.
 */
export async function runFlow(
  client: ExecutorClient,
  slug: string,
  secrets: FlowSecrets,
): Promise<FlowOutcome> {
  const path = `flows/executor/${encodeURIComponent(slug)}/?${new URLSearchParams({ query: client.flowMarker })}`;
  let reply = await client.request('GET', path);
  let usedCode = false;
  for (let round = 0; round < MAX_ROUNDS; round++) {
    if (
      reply.status !== 200 ||
      typeof reply.json !== 'object' ||
      reply.json === null ||
      Array.isArray(reply.json)
    )
      throw new CoreUnavailableError(`flow ${slug}: status ${reply.status}, not a challenge`);
    const challenge = reply.json as Challenge;
    const errors = challenge.response_errors;
    if (errors && typeof errors === 'object' && Object.keys(errors).length > 0)
      return { ok: false, reason: 'invalid_credentials', detail: `flow error ${Object.keys(errors)[0]}` };
    const step = answer(challenge, secrets);
    if ('post' in step) {
      if (challenge.component === 'ak-stage-authenticator-validate') usedCode = true;
      reply = await client.request('POST', path, step.post);
      continue;
    }
    if (step.end !== 'passed') return { ok: false, reason: step.end, detail: step.detail };
    const session = client.session();
    if (!session)
      throw new CoreUnavailableError(`flow ${slug}: finished without an ${SESSION_COOKIE} cookie`);
    return { ok: true, session, usedCode };
  }
  return { ok: false, reason: 'flow_error', detail: `no end after ${MAX_ROUNDS} rounds` };
}
