import type { Application } from '../applications/applications-repository.ts';
import type { AppContext } from '../context.ts';
import { insertEvent } from '../events/events-repository.ts';
import type { Session } from '../identity/sessions-repository.ts';
import type { User } from '../identity/users-repository.ts';
import { parseValidity } from '../oauth2/validity.ts';
import { evaluateEndpointAccess } from './access.ts';
import type { RacEndpoint } from './endpoints-repository.ts';
import type { RacProvider } from './providers-repository.ts';
import type { RacSettings } from './settings.ts';
import { countLiveRacConnections, insertRacConnectionToken } from './tokens-repository.ts';

/** The reference's words when an endpoint has all the connections it allows. */
export const LIMIT_REACHED = 'Maximum connection limit reached.';
/** Added when one of those connections is this browser session's own. */
export const ALREADY_CONNECTED = '(You are already connected in another tab/window)';

/** A connection token, or the messages saying why there is none. */
export type FinalStageResult = { ok: true; token: string } | { ok: false; messages: string[] };

// One lock space per purpose: this one serialises launches of one endpoint, so two browsers cannot both
// take its last connection.
const LAUNCH_LOCK_NAMESPACE = 0x52414331; // "RAC1"

/**
 * The stage the launch appends after the provider's authorization flow (spec §3.3, 1): the endpoint's own
 * policies, then its connection limit (live tokens of the endpoint against maximum_connections, -1
 * unlimited), then a token that expires after the provider's connection_expiry, tied to the login session,
 * with an `authorize_application` event.
 */
export async function authorizeConnection(
  ctx: AppContext,
  input: {
    user: User;
    session: Session;
    application: Application;
    provider: RacProvider;
    endpoint: RacEndpoint;
    clientAddress: string;
    /** Settings the flow gathered (a prompt's connection_settings). */
    settings: RacSettings;
  },
): Promise<FinalStageResult> {
  const { user, session, application, provider, endpoint } = input;
  const access = await evaluateEndpointAccess(ctx.db, endpoint.uuid, user.id);
  if (!access.passing) return { ok: false, messages: ['You are not allowed to open this endpoint.'] };
  return ctx.db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [LAUNCH_LOCK_NAMESPACE, endpoint.uuid]);
    if (endpoint.maximumConnections !== -1) {
      const live = await countLiveRacConnections(tx, endpoint.uuid, session.uuid);
      if (live.total >= endpoint.maximumConnections) {
        return {
          ok: false as const,
          messages: live.ofSession > 0 ? [LIMIT_REACHED, ALREADY_CONNECTED] : [LIMIT_REACHED],
        };
      }
    }
    const expires = new Date(Date.now() + parseValidity(provider.connectionExpiry) * 1000);
    const { token, record } = await insertRacConnectionToken(tx, ctx.box, {
      providerId: provider.id,
      endpointUuid: endpoint.uuid,
      sessionUuid: session.uuid,
      settings: input.settings,
      expires,
    });
    await insertEvent(tx, {
      action: 'authorize_application',
      app: 'authentik.providers.rac.views',
      clientIp: input.clientAddress,
      user: { pk: user.id, username: user.username, email: user.email },
      context: {
        authorized_application: {
          pk: application.uuid.replaceAll('-', ''),
          app: 'authentik_core',
          name: application.name,
          model_name: 'application',
        },
        endpoint: { pk: endpoint.uuid, name: endpoint.name, protocol: endpoint.protocol },
        connection_token_uuid: record.uuid,
      },
    });
    return { ok: true as const, token };
  });
}
