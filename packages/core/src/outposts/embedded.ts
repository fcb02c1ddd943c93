import type { FastifyBaseLogger } from 'fastify';
import type { AppContext } from '../context.ts';
import type { Queryable } from '../db/database.ts';
import { findUserByUsername, type User } from '../identity/users-repository.ts';
import { defaultOutpostConfig } from './config.ts';
import {
  allOutpostUuids,
  findOutpost,
  findOutpostByManaged,
  findOutpostByName,
  type Outpost,
} from './outposts-repository.ts';
import { ensureOutpostServiceAccount, outpostUsername } from './service-account.ts';
import { fillEmbeddedOutpostHost } from './browser-url.ts';

/** The embedded outpost's `managed` value (controllers.md §1.5). */
export const MANAGED_EMBEDDED_OUTPOST = 'goauthentik.io/outposts/embedded';
/** The embedded outpost's name; its Kubernetes Service is therefore `ak-outpost-authentik-embedded-outpost`. */
export const EMBEDDED_OUTPOST_NAME = 'authentik Embedded Outpost';

/** Answers whether an outpost is the embedded one. */
export function isEmbeddedOutpost(outpost: Pick<Outpost, 'managed'>): boolean {
  return outpost.managed === MANAGED_EMBEDDED_OUTPOST;
}

/**
 * Makes sure the embedded outpost exists (controllers.md §8): an outpost already named like it without a
 * `managed` value is adopted; otherwise it is created (type proxy, no providers) or renamed back.
 */
async function ensureEmbeddedOutpost(ctx: AppContext, tx: Queryable, log: FastifyBaseLogger): Promise<void> {
  const managed = await findOutpostByManaged(tx, MANAGED_EMBEDDED_OUTPOST);
  if (managed) {
    if (managed.name !== EMBEDDED_OUTPOST_NAME || managed.type !== 'proxy') {
      await tx.query("UPDATE outposts SET name = $2, type = 'proxy' WHERE uuid = $1", [
        managed.uuid,
        EMBEDDED_OUTPOST_NAME,
      ]);
    }
    return;
  }
  const named = await findOutpostByName(tx, EMBEDDED_OUTPOST_NAME);
  if (named && named.managed === null) {
    await tx.query('UPDATE outposts SET managed = $2 WHERE uuid = $1', [
      named.uuid,
      MANAGED_EMBEDDED_OUTPOST,
    ]);
    log.info({ outpost: named.uuid }, 'adopted the embedded outpost');
    return;
  }
  const config = { ...defaultOutpostConfig(ctx.config) };
  await tx.query("INSERT INTO outposts (name, type, config, managed) VALUES ($1, 'proxy', $2, $3)", [
    EMBEDDED_OUTPOST_NAME,
    JSON.stringify(config),
    MANAGED_EMBEDDED_OUTPOST,
  ]);
  log.info({ outpost: EMBEDDED_OUTPOST_NAME }, 'created the embedded outpost');
}

/**
 * The startup step of the outposts domain: the embedded outpost exists (with `external_url` as its
 * browser-facing URL when that is set and its own is empty or loopback), and every outpost has its service
 * account and token (recreated if someone deleted them).
 */
export async function ensureOutpostObjects(ctx: AppContext, log: FastifyBaseLogger): Promise<void> {
  await ctx.db.transaction(async (tx) => {
    await ensureEmbeddedOutpost(ctx, tx, log);
    // A configured browser-facing URL fills an empty (or loopback) authentik_host of the embedded outpost.
    if (ctx.config.external_url)
      await fillEmbeddedOutpostHost(tx, ctx.config.external_url, log, 'external_url');
    for (const uuid of await allOutpostUuids(tx)) {
      const outpost = await findOutpost(tx, uuid);
      if (!outpost) continue;
      const { repaired } = await ensureOutpostServiceAccount(tx, ctx.box, outpost);
      if (repaired) log.info({ outpost: outpost.name }, 'ensured the outpost service account and token');
    }
  });
}

/** The embedded outpost's service account (whom the secret key authenticates as), if it exists. */
export async function embeddedOutpostUser(db: Queryable): Promise<User | undefined> {
  const outpost = await findOutpostByManaged(db, MANAGED_EMBEDDED_OUTPOST);
  return outpost && findUserByUsername(db, outpostUsername(outpost));
}
