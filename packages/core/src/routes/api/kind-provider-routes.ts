import { type TObject, type TSchema, Type } from '@sinclair/typebox';
import type { Static } from '@sinclair/typebox';
import { GenericError, ListQuery, Paginated, ValidationError } from '@palisade/schema';
import type { FastifyPluginAsync } from 'fastify';
import type { AppContext } from '../../context.ts';
import type { Queryable } from '../../db/database.ts';
import { assertThat, notFound } from '../../http/api-error.ts';
import { paginated, pageWindow } from '../../http/pagination.ts';
import { publishChange } from '../../outposts/hub/changes.ts';
import type { ProviderKind } from '../../outposts/provider-types.ts';
import {
  type CommonProviderFields,
  deleteKindProvider,
  findKindProvider,
  insertKindProvider,
  type KindProvider,
  type KindTable,
  listKindProviders,
  updateKindProvider,
} from '../../providers/kind-repository.ts';
import { rethrowDuplicate } from '../../providers/validate.ts';

const errors = { 400: ValidationError, 403: GenericError, 404: GenericError };
const ProviderId = Type.Object({ id: Type.Integer({ minimum: 1, maximum: 2147483647 }) });

/** The fields every provider's body has. */
interface CommonInput {
  name?: string;
  authentication_flow?: string | null;
  authorization_flow?: string;
  invalidation_flow?: string;
  property_mappings?: string[];
}

/** What a kind of provider stored in a subtable (kind-repository.ts) tells its admin routes. */
export interface KindRoutes<Settings, Input extends CommonInput, Body extends TSchema> {
  kind: ProviderKind;
  table: KindTable<Settings>;
  schemas: { body: Body; create: TObject; patch: TObject };
  /** The list's `<field>__iexact` filters and their types. */
  iexactFilters: Record<string, TSchema>;
  present: (provider: KindProvider<Settings>) => Static<Body>;
  /**
   * Checks a body (against `current` for a PUT or PATCH) and returns the subtable's columns to write
   * (undefined values are left as they are).
   */
  columns: (
    tx: Queryable,
    body: Input,
    current: KindProvider<Settings> | undefined,
  ) => Promise<Record<string, unknown>>;
}

function commonFields(body: CommonInput): CommonProviderFields {
  return {
    name: body.name,
    authenticationFlow: body.authentication_flow,
    authorizationFlow: body.authorization_flow,
    invalidationFlow: body.invalidation_flow,
    propertyMappings: body.property_mappings,
  };
}

/**
 * `/providers/<kind>/` and `/providers/<kind>/<pk>/`: list (with the contract's filters), create,
 * retrieve, update, partial update and delete. A change to a provider reaches the outposts serving it as
 * TRIGGER_UPDATE on commit, through the one path every provider change takes (publishChange).
 */
export function kindProviderRoutes<Settings, Input extends CommonInput, Body extends TSchema>(
  ctx: AppContext,
  spec: KindRoutes<Settings, Input, Body>,
): FastifyPluginAsync {
  const { kind, table } = spec;
  const base = `/providers/${kind}/`;
  const ListQueryOf = Type.Object({
    ...ListQuery,
    application__isnull: Type.Optional(Type.Boolean()),
    ...Object.fromEntries(
      Object.entries(spec.iexactFilters).map(([field, schema]) => [
        `${field}__iexact`,
        Type.Optional(schema),
      ]),
    ),
  });
  type Query = Static<typeof ListQueryOf> & Record<string, string | number | boolean | undefined>;
  return async (app) => {
    app.get<{ Querystring: Query }>(
      base,
      {
        schema: { querystring: ListQueryOf, response: { 200: Paginated(spec.schemas.body), ...errors } },
        config: { operationId: `providers_${kind}_list` },
      },
      async (request) => {
        const q = request.query;
        const iexact = Object.fromEntries(
          Object.keys(spec.iexactFilters).map((field) => [field, q[`${field}__iexact`]]),
        );
        const { providers, count } = await listKindProviders(ctx.db, table, {
          ...pageWindow(q),
          filter: { applicationIsNull: q.application__isnull, iexact },
        });
        return paginated(q, providers.map(spec.present), count);
      },
    );

    app.post<{ Body: Input & { name: string } }>(
      base,
      {
        schema: { body: spec.schemas.create, response: { 201: spec.schemas.body, ...errors } },
        config: { operationId: `providers_${kind}_create` },
      },
      async (request, reply) => {
        const body = request.body as Input & { name: string };
        const provider = await ctx.db
          .transaction(async (tx) =>
            insertKindProvider(
              tx,
              table,
              { ...commonFields(body), name: body.name },
              await spec.columns(tx, body, undefined),
            ),
          )
          .catch(rethrowDuplicate);
        request.log.info({ provider: provider.id, kind }, 'provider created');
        return reply.code(201).send(spec.present(provider));
      },
    );

    app.get<{ Params: Static<typeof ProviderId> }>(
      `${base}:id/`,
      {
        schema: { params: ProviderId, response: { 200: spec.schemas.body, ...errors } },
        config: { operationId: `providers_${kind}_retrieve` },
      },
      async (request) => {
        const provider = await findKindProvider(ctx.db, table, request.params.id);
        assertThat(provider, notFound);
        return spec.present(provider);
      },
    );

    for (const [method, body, operationId] of [
      ['PUT', spec.schemas.create, `providers_${kind}_update`],
      ['PATCH', spec.schemas.patch, `providers_${kind}_partial_update`],
    ] as const) {
      app.route<{ Params: Static<typeof ProviderId>; Body: Input }>({
        method,
        url: `${base}:id/`,
        schema: { params: ProviderId, body, response: { 200: spec.schemas.body, ...errors } },
        config: { operationId },
        handler: async (request) => {
          const input = request.body as Input;
          const provider = await ctx.db
            .transaction(async (tx) => {
              const current = await findKindProvider(tx, table, request.params.id);
              assertThat(current, notFound);
              const columns = await spec.columns(tx, input, current);
              // Announced on commit to the outposts that serve the provider.
              await publishChange({ db: tx }, { model: 'provider', pk: current.id });
              return updateKindProvider(tx, table, current.id, commonFields(input), columns);
            })
            .catch(rethrowDuplicate);
          assertThat(provider, notFound);
          request.log.info({ provider: provider.id, kind }, 'provider updated');
          return spec.present(provider);
        },
      });
    }

    app.delete<{ Params: Static<typeof ProviderId> }>(
      `${base}:id/`,
      {
        schema: { params: ProviderId, response: { 204: Type.Null(), ...errors } },
        config: { operationId: `providers_${kind}_destroy` },
      },
      async (request, reply) => {
        const deleted = await ctx.db.transaction(async (tx) => {
          // Resolved before the delete cascades away the provider's outpost links; announced on commit.
          await publishChange({ db: tx }, { model: 'provider', pk: request.params.id });
          return deleteKindProvider(tx, table, request.params.id);
        });
        assertThat(deleted, notFound);
        request.log.info({ provider: request.params.id, kind }, 'provider deleted');
        return reply.code(204).send();
      },
    );
  };
}
