/**
 * The core's browser-facing URL and the embedded outpost (issue 19, point 1). The embedded outpost reaches
 * the core over loopback, but it sends browsers to its `authentik_host`; left empty, that was the loopback
 * address, which works only on the server itself. The URL comes from `external_url` when configured, else
 * from the URL the administrator used for the initial setup.
 */
import type { FastifyBaseLogger } from 'fastify';
import { isLoopbackUrl } from '@palisade/schema/loopback';
import type { Queryable } from '../db/database.ts';
import { notifyOutposts } from './hub/changes.ts';
import { MANAGED_EMBEDDED_OUTPOST } from './embedded.ts';
import { findOutpostByManaged } from './outposts-repository.ts';

/**
 * Answers whether `candidate` should replace an outpost's `authentik_host`: when it is empty, or when it is
 * a loopback address and the candidate is not. An address the administrator chose is never overwritten.
 */
export function shouldReplaceHost(current: unknown, candidate: string): boolean {
  if (typeof current !== 'string' || current.trim() === '') return true;
  return isLoopbackUrl(current) && !isLoopbackUrl(candidate);
}

/**
 * Sets the embedded outpost's `authentik_host` to the origin of `url` (with the trailing slash the console
 * writes) when shouldReplaceHost says so, and tells its running instance to reload. Answers whether it did.
 */
export async function fillEmbeddedOutpostHost(
  db: Queryable,
  url: string,
  log: FastifyBaseLogger,
  source: 'external_url' | 'initial setup',
): Promise<boolean> {
  let origin: string;
  try {
    origin = `${new URL(url).origin}/`;
  } catch {
    return false;
  }
  const outpost = await findOutpostByManaged(db, MANAGED_EMBEDDED_OUTPOST);
  if (!outpost || !shouldReplaceHost(outpost.config.authentik_host, origin)) return false;
  await db.query(
    `UPDATE outposts SET config = jsonb_set(config, '{authentik_host}', to_jsonb($2::text)) WHERE uuid = $1`,
    [outpost.uuid, origin],
  );
  await notifyOutposts(db, [outpost.uuid]);
  log.info(
    { outpost: outpost.name, authentik_host: origin, source, previous: outpost.config.authentik_host || '' },
    'set the embedded outpost’s browser-facing URL',
  );
  if (isLoopbackUrl(origin))
    log.warn(
      { outpost: outpost.name, authentik_host: origin },
      'the embedded outpost’s browser-facing URL is a loopback address: only browsers on this machine can sign in; set external_url (docs/install.md)',
    );
  return true;
}
