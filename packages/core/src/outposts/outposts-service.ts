import { notifyOutposts } from './hub/changes.ts';
import type { OutpostType } from '@palisade/schema';
import type { AppContext } from '../context.ts';
import type { Queryable } from '../db/database.ts';
import { ApiError, assertThat, notFound, uniqueViolation, validationFailed } from '../http/api-error.ts';
import { defaultOutpostConfig, parseOutpostConfig } from './config.ts';
import { EMBEDDED_OUTPOST_NAME, isEmbeddedOutpost, MANAGED_EMBEDDED_OUTPOST } from './embedded.ts';
import {
  deleteOutpost,
  findOutpost,
  insertOutpost,
  type Outpost,
  type OutpostFields,
  updateOutpost,
} from './outposts-repository.ts';
import { sharedBaseDns } from '../ldap/ldap-providers.ts';
import { PROVIDER_KIND_OF_OUTPOST, PROVIDER_KINDS, providerTypesOf } from './provider-types.ts';
import { deleteOutpostServiceAccount, ensureOutpostServiceAccount } from './service-account.ts';
import { SERVICE_CONNECTION_KINDS } from '../integrations/service-connections.ts';
import { findServiceConnection } from '../integrations/service-connections-repository.ts';

/** An outpost as the API writes it (OutpostRequest; every field optional for PATCH). */
export interface OutpostInput {
  name?: string;
  type?: OutpostType;
  providers?: number[];
  service_connection?: string | null;
  config?: Record<string, unknown>;
  managed?: string | null;
}

type Problems = Record<string, string[]>;

/** Providers must exist and be of the kind the outpost type serves; only the embedded outpost may have none. */
async function providerProblems(db: Queryable, type: OutpostType, ids: number[], embedded: boolean) {
  if (ids.length === 0) return embedded ? [] : ['This list may not be empty.'];
  const kinds = await providerTypesOf(db, ids);
  const problems: string[] = [];
  for (const id of ids) {
    const kind = kinds.get(id);
    if (!kind) problems.push(`Invalid pk "${id}" - object does not exist.`);
    else if (kind !== PROVIDER_KIND_OF_OUTPOST[type])
      problems.push(`Outpost type ${type} can't be used with ${PROVIDER_KINDS[kind].className} providers.`);
  }
  // An LDAP outpost finds the provider of a bind or a search by its base DN (spec §1.3).
  if (type === 'ldap' && problems.length === 0) {
    for (const dn of await sharedBaseDns(db, ids))
      problems.push(`LDAP providers of one outpost need distinct base DNs: base DN ${dn} is used twice.`);
  }
  return problems;
}

/** Checks a whole outpost (the stored one overlaid with the input) and returns what to store. */
async function checkedFields(
  ctx: AppContext,
  db: Queryable,
  input: OutpostInput,
  existing: Outpost | undefined,
): Promise<OutpostFields> {
  const problems: Problems = {};
  const embedded = existing !== undefined && isEmbeddedOutpost(existing);
  const fields: OutpostFields = {
    name: input.name ?? existing?.name ?? '',
    type: input.type ?? existing?.type ?? 'proxy',
    serviceConnection:
      input.service_connection === undefined
        ? (existing?.serviceConnection ?? null)
        : input.service_connection,
    config: existing?.config ?? {},
    managed: input.managed === undefined ? (existing?.managed ?? null) : input.managed,
    providers: [...new Set(input.providers ?? existing?.providers ?? [])],
  };
  if (embedded && fields.name !== EMBEDDED_OUTPOST_NAME)
    problems.name = ["Embedded outpost's name cannot be changed"];
  if (embedded && fields.type !== 'proxy') problems.type = ['The embedded outpost is a proxy outpost.'];
  if (embedded && fields.managed !== MANAGED_EMBEDDED_OUTPOST)
    problems.managed = ["Embedded outpost's managed value cannot be changed"];
  if (!embedded && fields.managed === MANAGED_EMBEDDED_OUTPOST)
    problems.managed = ['This value is reserved for the embedded outpost.'];
  const providers = await providerProblems(db, fields.type, fields.providers, embedded);
  if (providers.length) problems.providers = providers;
  // Any connection of a registered kind (integrations/service-connections.ts).
  if (fields.serviceConnection !== null) {
    const connection = await findServiceConnection(db, fields.serviceConnection);
    if (!connection || !SERVICE_CONNECTION_KINDS[connection.kind])
      problems.service_connection = [`Invalid pk "${fields.serviceConnection}" - object does not exist.`];
  }
  if (input.config !== undefined) {
    // As the reference: the config sent is the whole config; keys left out take their defaults.
    const parsed = parseOutpostConfig(input.config, defaultOutpostConfig(ctx.config));
    if (parsed.problems) problems.config = parsed.problems;
    else fields.config = parsed.config;
  } else if (!existing) {
    fields.config = defaultOutpostConfig(ctx.config);
  }
  assertThat(Object.keys(problems).length === 0, () => validationFailed(problems));
  return fields;
}

function duplicate(error: unknown): never {
  const constraint = uniqueViolation(error);
  if (constraint) {
    const field = constraint.includes('managed') ? 'managed' : 'name';
    throw validationFailed({ [field]: [`An outpost with this ${field} already exists.`] }, 'unique');
  }
  throw error;
}

/** Creates an outpost with its service account and token, in one transaction. */
export async function createOutpost(ctx: AppContext, input: OutpostInput): Promise<Outpost> {
  return ctx.db
    .transaction(async (tx) => {
      const outpost = await insertOutpost(tx, await checkedFields(ctx, tx, input, undefined));
      await ensureOutpostServiceAccount(tx, ctx.box, outpost);
      // Its controller (when it has a service connection) runs once this commits.
      await notifyOutposts(tx, [outpost.uuid]);
      return outpost;
    })
    .catch(duplicate);
}

/** Changes an outpost (PUT or PATCH) and re-ensures its service account (its display name follows renames). */
export async function changeOutpost(ctx: AppContext, uuid: string, input: OutpostInput): Promise<Outpost> {
  return ctx.db
    .transaction(async (tx) => {
      const existing = await findOutpost(tx, uuid);
      assertThat(existing, notFound);
      const outpost = await updateOutpost(tx, uuid, await checkedFields(ctx, tx, input, existing));
      assertThat(outpost, notFound);
      await ensureOutpostServiceAccount(tx, ctx.box, outpost);
      // Its running instances reload (config, providers), once this commits.
      await notifyOutposts(tx, [outpost.uuid]);
      return outpost;
    })
    .catch(duplicate);
}

/** Deletes an outpost with its service account and token; the embedded outpost cannot be deleted. */
export async function removeOutpost(ctx: AppContext, uuid: string): Promise<void> {
  await ctx.db.transaction(async (tx) => {
    const existing = await findOutpost(tx, uuid);
    assertThat(existing, notFound);
    if (isEmbeddedOutpost(existing)) throw new ApiError('protected_object');
    await deleteOutpostServiceAccount(tx, existing);
    await deleteOutpost(tx, uuid);
    // Its controller removes what it deployed, once this commits.
    await notifyOutposts(tx, [uuid]);
  });
}
