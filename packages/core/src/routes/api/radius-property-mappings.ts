import { Type } from '@sinclair/typebox';
import type { Static } from '@sinclair/typebox';
import {
  GenericError,
  ListQuery,
  Paginated,
  PatchedRadiusProviderPropertyMappingRequest,
  RadiusProviderPropertyMapping as MappingBody,
  RadiusProviderPropertyMappingRequest,
  type ReplyAttribute,
  resolveAttribute,
  ValidationError,
} from '@palisade/schema';
import type { FastifyPluginAsync } from 'fastify';
import type { AppContext } from '../../context.ts';
import { assertThat, notFound, uniqueViolation, validationFailed } from '../../http/api-error.ts';
import { paginated, pageWindow } from '../../http/pagination.ts';
import {
  deleteRadiusMapping,
  findRadiusMapping,
  insertRadiusMapping,
  listRadiusMappings,
  type RadiusPropertyMapping,
  updateRadiusMapping,
} from '../../radius/property-mappings.ts';

const errors = { 400: ValidationError, 403: GenericError, 404: GenericError };
const MappingId = Type.Object({ pm_uuid: Type.String({ format: 'uuid' }) });
const MappingListQuery = Type.Object({
  ...ListQuery,
  managed: Type.Optional(Type.Array(Type.String(), { maxItems: 50 })),
  managed__isnull: Type.Optional(Type.Boolean()),
});
type MappingInput = Static<typeof PatchedRadiusProviderPropertyMappingRequest>;

/** The `expression` a mapping shows: its attributes one per line, as `Name[:tag] = value`. */
export function renderAttributes(attributes: readonly ReplyAttribute[]): string {
  return attributes
    .map(
      (a) =>
        `${a.name}${a.tag ? `:${a.tag}` : ''} = ${a.data_type === 'string' ? JSON.stringify(a.value) : a.value}`,
    )
    .join('\n');
}

/** A mapping in the contract's RadiusProviderPropertyMapping shape. */
function present(mapping: RadiusPropertyMapping): Static<typeof MappingBody> {
  return {
    pk: mapping.uuid,
    managed: mapping.managed,
    name: mapping.name,
    expression: renderAttributes(mapping.attributes),
    attributes: mapping.attributes,
    component: 'ak-property-mapping-provider-radius-form',
    verbose_name: 'Radius Provider Property Mapping',
    verbose_name_plural: 'Radius Provider Property Mappings',
    meta_model_name: 'authentik_providers_radius.radiusproviderpropertymapping',
  };
}

/**
 * Resolves a body's attributes against the dictionary, every problem named by its position
 * (`attributes: ["2: Tunnel-Type must be …"]`); an `expression` is accepted only empty or as the rendering
 * of the attributes it comes with, since Palisade runs no Python.
 */
function checked(body: MappingInput, current?: RadiusPropertyMapping): { attributes?: ReplyAttribute[] } {
  const problems: Record<string, string[]> = {};
  let attributes: ReplyAttribute[] | undefined;
  if (body.attributes) {
    attributes = [];
    for (const [i, entry] of body.attributes.entries()) {
      const outcome = resolveAttribute(entry);
      if ('problem' in outcome) (problems.attributes ??= []).push(`${i + 1}: ${outcome.problem}`);
      else attributes.push(outcome.attribute);
    }
  }
  const rendering = renderAttributes(attributes ?? current?.attributes ?? []);
  if (body.expression && body.expression.trim() !== rendering)
    problems.expression = ['Palisade mappings are declarative: set `attributes`; expressions are not run.'];
  assertThat(Object.keys(problems).length === 0, () => validationFailed(problems));
  return { attributes };
}

function rethrowDuplicateName(error: unknown): never {
  const constraint = uniqueViolation(error);
  if (constraint) {
    const field = constraint.includes('managed') ? 'managed' : 'name';
    throw validationFailed({ [field]: [`A mapping with this ${field} already exists.`] }, 'unique');
  }
  throw error;
}

/** /propertymappings/provider/radius/: declarative RADIUS reply attributes (list, create, read, change, delete). */
export function radiusPropertyMappingRoutes(ctx: AppContext): FastifyPluginAsync {
  const base = '/propertymappings/provider/radius/';
  return async (app) => {
    app.get<{ Querystring: Static<typeof MappingListQuery> }>(
      base,
      {
        schema: { querystring: MappingListQuery, response: { 200: Paginated(MappingBody), ...errors } },
        config: { operationId: 'propertymappings_provider_radius_list' },
      },
      async (request) => {
        const q = request.query;
        const { mappings, count } = await listRadiusMappings(ctx.db, {
          ...pageWindow(q),
          filter: { managed: q.managed, managedIsNull: q.managed__isnull },
        });
        return paginated(q, mappings.map(present), count);
      },
    );

    app.post<{ Body: Static<typeof RadiusProviderPropertyMappingRequest> }>(
      base,
      {
        schema: { body: RadiusProviderPropertyMappingRequest, response: { 201: MappingBody, ...errors } },
        config: { operationId: 'propertymappings_provider_radius_create' },
      },
      async (request, reply) => {
        const { attributes = [] } = checked(request.body);
        const mapping = await insertRadiusMapping(ctx.db, {
          name: request.body.name,
          managed: request.body.managed ?? null,
          attributes,
        }).catch(rethrowDuplicateName);
        request.log.info({ mapping: mapping.uuid }, 'radius property mapping created');
        return reply.code(201).send(present(mapping));
      },
    );

    app.get<{ Params: Static<typeof MappingId> }>(
      `${base}:pm_uuid/`,
      {
        schema: { params: MappingId, response: { 200: MappingBody, ...errors } },
        config: { operationId: 'propertymappings_provider_radius_retrieve' },
      },
      async (request) => {
        const mapping = await findRadiusMapping(ctx.db, request.params.pm_uuid);
        assertThat(mapping, notFound);
        return present(mapping);
      },
    );

    for (const [method, body, operationId] of [
      ['PUT', RadiusProviderPropertyMappingRequest, 'propertymappings_provider_radius_update'],
      [
        'PATCH',
        PatchedRadiusProviderPropertyMappingRequest,
        'propertymappings_provider_radius_partial_update',
      ],
    ] as const) {
      app.route<{ Params: Static<typeof MappingId>; Body: MappingInput }>({
        method,
        url: `${base}:pm_uuid/`,
        schema: { params: MappingId, body, response: { 200: MappingBody, ...errors } },
        config: { operationId },
        handler: async (request) => {
          const current = await findRadiusMapping(ctx.db, request.params.pm_uuid);
          assertThat(current, notFound);
          const { attributes } = checked(request.body, current);
          const mapping = await updateRadiusMapping(ctx.db, current.uuid, {
            name: request.body.name,
            managed: request.body.managed,
            attributes,
          }).catch(rethrowDuplicateName);
          assertThat(mapping, notFound);
          request.log.info({ mapping: mapping.uuid }, 'radius property mapping updated');
          return present(mapping);
        },
      });
    }

    app.delete<{ Params: Static<typeof MappingId> }>(
      `${base}:pm_uuid/`,
      {
        schema: { params: MappingId, response: { 204: Type.Null(), ...errors } },
        config: { operationId: 'propertymappings_provider_radius_destroy' },
      },
      async (request, reply) => {
        const deleted = await ctx.db.transaction((tx) => deleteRadiusMapping(tx, request.params.pm_uuid));
        assertThat(deleted, notFound);
        request.log.info({ mapping: request.params.pm_uuid }, 'radius property mapping deleted');
        return reply.code(204).send();
      },
    );
  };
}
