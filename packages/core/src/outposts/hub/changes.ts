import type { Queryable } from '../../db/database.ts';
import { publishClusterMessage } from './cluster-bus.ts';

/** The kinds of object whose changes outposts must hear of (controllers spec §6.1). */
export const OUTPOST_CHANGE_MODELS = [
  'outpost',
  'provider',
  'application',
  'flow',
  'certificate_keypair',
] as const;

/** A changed object: its kind and primary key (a provider's integer id, every other kind's uuid). */
export interface OutpostChange {
  model: (typeof OUTPOST_CHANGE_MODELS)[number];
  pk: string | number;
}

/**
 * Columns that point a provider at a certificate-key pair its outposts use (token signing, TLS). A provider
 * kind with such a column adds one line here: `{ table: 'proxy_providers', column: 'certificate' }`.
 */
const CERTIFICATE_REFERENCES: readonly { table: string; column: string }[] = [
  { table: 'oauth2_providers', column: 'signing_key' },
  { table: 'proxy_providers', column: 'certificate' },
  { table: 'ldap_providers', column: 'certificate' },
  { table: 'radius_providers', column: 'certificate' },
];

// For each kind but outposts themselves: the ids of the providers it affects, from the pk in $1.
const AFFECTED_PROVIDERS: Record<Exclude<OutpostChange['model'], 'outpost'>, string> = {
  provider: 'SELECT $1::integer',
  application: 'SELECT provider_id FROM applications WHERE pbm_uuid = $1::uuid',
  flow: 'SELECT id FROM providers WHERE $1::uuid IN (authorization_flow, invalidation_flow, authentication_flow)',
  certificate_keypair: CERTIFICATE_REFERENCES.map(
    ({ table, column }) => `SELECT provider_id FROM ${table} WHERE ${column} = $1::uuid`,
  ).join(' UNION '),
};

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function assertPk(change: OutpostChange): void {
  const ok =
    change.model === 'provider'
      ? Number.isInteger(Number(change.pk)) && Number(change.pk) > 0
      : typeof change.pk === 'string' && UUID.test(change.pk);
  if (!ok) throw new Error(`invalid pk ${String(change.pk)} for a ${change.model} change`);
}

/**
 * The outposts that serve the changed objects, as the database says now: an outpost itself; a provider
 * through `outpost_providers`; an application through its provider; a flow through the providers that use
 * it; a certificate-key pair through the providers that use it. Resolve before a delete, or the links are
 * gone.
 */
export async function outpostsAffectedBy(db: Queryable, ...changes: OutpostChange[]): Promise<string[]> {
  const outposts = new Set<string>();
  for (const change of changes) {
    assertPk(change);
    const sql =
      change.model === 'outpost'
        ? 'SELECT uuid FROM outposts WHERE uuid = $1::uuid'
        : `SELECT DISTINCT outpost_uuid AS uuid FROM outpost_providers
           WHERE provider_id IN (${AFFECTED_PROVIDERS[change.model]})`;
    for (const row of await db.query<{ uuid: string }>(sql, [String(change.pk)])) outposts.add(row.uuid);
  }
  return [...outposts].sort();
}

/**
 * Tells every core process to send TRIGGER_UPDATE to the connected instances of these outposts (duplicates
 * are sent once). Through a transaction, it happens only once that commits.
 */
export async function notifyOutposts(db: Queryable, outpostUuids: readonly string[]): Promise<void> {
  if (outpostUuids.length === 0) return;
  await publishClusterMessage(db, { type: 'outposts.update', outpost_uuids: [...outpostUuids] });
}

/**
 * Announces changes to the outposts that serve the changed objects, on every core process, and answers which
 * outposts those were. Call it from the code that writes one of OUTPOST_CHANGE_MODELS: inside the writing
 * transaction (`publishChange({ db: tx }, …)`, delivered on commit, nothing on rollback), or with `ctx` after
 * the write. For a delete, resolve first: call it inside the deleting transaction before the delete. For a
 * change that can move an object to other outposts (an application's provider), take `outpostsAffectedBy`
 * before the write and pass the union of before and after to `notifyOutposts`.
 */
export async function publishChange(ctx: { db: Queryable }, ...changes: OutpostChange[]): Promise<string[]> {
  const outposts = await outpostsAffectedBy(ctx.db, ...changes);
  await notifyOutposts(ctx.db, outposts);
  return outposts;
}
