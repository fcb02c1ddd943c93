/** The whole outpost program as a RADIUS outpost runs it, every listener on an ephemeral 127.0.0.1 port. */
import { type OutpostHandle, startOutpost } from '../../../src/process/main.ts';
import type { recordingLog } from '../../support/log.ts';

/** Starts the outpost for the core at `host` with `token`; its RADIUS port is `addresses.radius`. */
export function startRadiusOutpost(
  host: string,
  token: string,
  log: ReturnType<typeof recordingLog>,
): Promise<OutpostHandle> {
  return startOutpost({
    env: {
      AUTHENTIK_HOST: host,
      AUTHENTIK_TOKEN: token,
      AUTHENTIK_LISTEN__HTTP: '127.0.0.1:0',
      AUTHENTIK_LISTEN__HTTPS: '127.0.0.1:0',
      AUTHENTIK_LISTEN__METRICS: '127.0.0.1:0',
      AUTHENTIK_LISTEN__RADIUS: '127.0.0.1:0',
    },
    listen: true,
    log,
    reloadOffsetMs: 0,
  });
}
