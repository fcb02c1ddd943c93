import type { AppContext } from '../context.ts';
import { findUserById } from '../identity/users-repository.ts';
import type { RacConnection } from './connections-repository.ts';
import { parseEndpointHost } from './endpoint-host.ts';
import { findRacEndpoint, type RacEndpoint } from './endpoints-repository.ts';
import { findRacPropertyMappings } from './property-mappings-repository.ts';
import { findRacProvider } from './providers-repository.ts';
import { openSecrets, type RacSettings, type StoredSettings } from './settings.ts';
import { findRacConnectionToken, racConnectionTokenSettings } from './tokens-repository.ts';

/** The args of the PROVIDER_SPECIFIC message that asks an outpost instance to open a connection. */
export interface InitConnectionArgs {
  [key: string]: unknown;
  type: 'event.provider.specific';
  sub_type: 'init_connection';
  dest_channel_id: string;
  params: Record<string, string>;
  protocol: RacEndpoint['protocol'];
  screen_width: string;
  screen_height: string;
  screen_dpi: string;
  audio: string[];
}

function stored(box: AppContext['box'], settings: StoredSettings): RacSettings {
  return { ...settings.plain, ...openSecrets(box, settings.secretsSealed) };
}

/**
 * Merges the layers of a connection's settings (spec §3.4), later ones winning: the endpoint's host
 * (`hostname`, `port`), RDP's resize method and client name, the provider's settings, the endpoint's, the
 * provider's property mappings and then the endpoint's (each in name order), and what the launch's flow
 * gathered. Null and empty values leave the earlier value in place; every value becomes a string.
 */
export function mergeSettings(layers: readonly RacSettings[]): Record<string, string> {
  const merged: Record<string, string> = {};
  for (const layer of layers) {
    for (const [key, value] of Object.entries(layer)) {
      if (value === null || value === '') continue;
      merged[key] = String(value);
    }
  }
  return merged;
}

/**
 * The init_connection args for a connection, built where the instance's control socket is (the only place
 * credentials are opened, and they go only to the outpost); undefined when its token, endpoint or provider
 * is gone.
 */
export async function initConnectionArgs(
  ctx: AppContext,
  connection: RacConnection,
): Promise<InitConnectionArgs | undefined> {
  const token = await findRacConnectionToken(ctx.db, connection.tokenUuid);
  const endpoint = token && (await findRacEndpoint(ctx.db, token.endpointUuid));
  const provider = endpoint && (await findRacProvider(ctx.db, endpoint.providerId));
  const user = token && (await findUserById(ctx.db, token.userId));
  if (!token || !endpoint || !provider || !user) return undefined;
  const host = parseEndpointHost(endpoint.host);
  const defaults: RacSettings = { hostname: host?.hostname ?? endpoint.host, port: host?.port ?? null };
  if (endpoint.protocol === 'rdp') {
    defaults['resize-method'] = 'display-update';
    defaults['client-name'] = `authentik - ${user.username}`;
  }
  const mappings = async (uuids: string[]) =>
    (await findRacPropertyMappings(ctx.db, uuids)).map((m) => stored(ctx.box, m.staticSettings));
  const params = mergeSettings([
    defaults,
    stored(ctx.box, provider.settings),
    stored(ctx.box, endpoint.settings),
    ...(await mappings(provider.propertyMappings)),
    ...(await mappings(endpoint.propertyMappings)),
    await racConnectionTokenSettings(ctx.db, ctx.box, token.uuid),
  ]);
  return {
    type: 'event.provider.specific',
    sub_type: 'init_connection',
    dest_channel_id: connection.channelId,
    params,
    protocol: endpoint.protocol,
    screen_width: connection.screen.width,
    screen_height: connection.screen.height,
    screen_dpi: connection.screen.dpi,
    audio: [],
  };
}
