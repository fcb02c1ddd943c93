import { Type } from '@sinclair/typebox';
import type { Static } from '@sinclair/typebox';
import {
  GenericError,
  ListQuery,
  Paginated,
  PatchedRACPropertyMappingRequest,
  RACPropertyMapping as MappingBody,
  RACPropertyMappingRequest,
  ValidationError,
} from '@palisade/schema';
import type { FastifyPluginAsync } from 'fastify';
import type { AppContext } from '../../context.ts';
import { assertThat, notFound, uniqueViolation, validationFailed } from '../../http/api-error.ts';
import { paginated, pageWindow } from '../../http/pagination.ts';
import {
  deleteRacPropertyMapping,
  findRacPropertyMapping,
  insertRacPropertyMapping,
  listRacPropertyMappings,
  type RacPropertyMappingFields,
  updateRacPropertyMapping,
} from '../../rac/property-mappings-repository.ts';
import { assertValidRacPropertyMapping } from '../../rac/validate.ts';
import { presentRacPropertyMapping } from './rac-presenters.ts';

const errors = { 400: ValidationError, 403: GenericError, 404: GenericError };

const MappingListQuery = Type.Object({
  ...ListQuery,
  name: Type.Optional(Type.String({ maxLength: 250 })),
  managed: Type.Optional(Type.Array(Type.String({ maxLength: 200 }), { maxItems: 50 })),
});
const MappingId = Type.Object({ pm_uuid: Type.String({ format: 'uuid' }) });
type MappingInput = Static<typeof PatchedRACPropertyMappingRequest>;

function mappingFields(body: MappingInput): RacPropertyMappingFields {
  return { name: body.name, managed: body.managed, staticSettings: body.static_settings };
}

function rethrowDuplicate(error: unknown): never {
  const constraint = uniqueViolation(error);
  if (constraint) {
    const field = constraint.includes('managed') ? 'managed' : 'name';
    throw validationFailed({ [field]: [`A mapping with this ${field} already exists.`] }, 'unique');
  }
  throw error;
}

/** /propertymappings/provider/rac/: static settings merged into connections (no expressions are run). */
export function racPropertyMappingRoutes(ctx: AppContext): FastifyPluginAsync {
  return async (app) => {
    app.get<{ Querystring: Static<typeof MappingListQuery> }>(
      '/propertymappings/provider/rac/',
      {
        schema: { querystring: MappingListQuery, response: { 200: Paginated(MappingBody), ...errors } },
        config: { operationId: 'propertymappings_provider_rac_list' },
      },
      async (request) => {
        const q = request.query;
        const { mappings, count } = await listRacPropertyMappings(ctx.db, {
          ...pageWindow(q),
          filter: { name: q.name, managed: q.managed },
        });
        return paginated(q, mappings.map(presentRacPropertyMapping), count);
      },
    );

    app.post<{ Body: Static<typeof RACPropertyMappingRequest> }>(
      '/propertymappings/provider/rac/',
      {
        schema: { body: RACPropertyMappingRequest, response: { 201: MappingBody, ...errors } },
        config: { operationId: 'propertymappings_provider_rac_create' },
      },
      async (request, reply) => {
        assertValidRacPropertyMapping(request.body);
        const mapping = await insertRacPropertyMapping(ctx.db, ctx.box, {
          ...mappingFields(request.body),
          name: request.body.name,
        }).catch(rethrowDuplicate);
        request.log.info({ mapping: mapping.uuid }, 'rac property mapping created');
        return reply.code(201).send(presentRacPropertyMapping(mapping));
      },
    );

    app.get<{ Params: Static<typeof MappingId> }>(
      '/propertymappings/provider/rac/:pm_uuid/',
      {
        schema: { params: MappingId, response: { 200: MappingBody, ...errors } },
        config: { operationId: 'propertymappings_provider_rac_retrieve' },
      },
      async (request) => {
        const mapping = await findRacPropertyMapping(ctx.db, request.params.pm_uuid);
        assertThat(mapping, notFound);
        return presentRacPropertyMapping(mapping);
      },
    );

    for (const [method, body, operationId] of [
      ['PUT', RACPropertyMappingRequest, 'propertymappings_provider_rac_update'],
      ['PATCH', PatchedRACPropertyMappingRequest, 'propertymappings_provider_rac_partial_update'],
    ] as const) {
      app.route<{ Params: Static<typeof MappingId>; Body: MappingInput }>({
        method,
        url: '/propertymappings/provider/rac/:pm_uuid/',
        schema: { params: MappingId, body, response: { 200: MappingBody, ...errors } },
        config: { operationId },
        handler: async (request) => {
          assertValidRacPropertyMapping(request.body);
          const mapping = await ctx.db
            .transaction((tx) =>
              updateRacPropertyMapping(tx, ctx.box, request.params.pm_uuid, mappingFields(request.body)),
            )
            .catch(rethrowDuplicate);
          assertThat(mapping, notFound);
          request.log.info({ mapping: mapping.uuid }, 'rac property mapping updated');
          return presentRacPropertyMapping(mapping);
        },
      });
    }

    app.delete<{ Params: Static<typeof MappingId> }>(
      '/propertymappings/provider/rac/:pm_uuid/',
      {
        schema: { params: MappingId, response: { 204: Type.Null(), ...errors } },
        config: { operationId: 'propertymappings_provider_rac_destroy' },
      },
      async (request, reply) => {
        const deleted = await ctx.db.transaction((tx) =>
          deleteRacPropertyMapping(tx, request.params.pm_uuid),
        );
        assertThat(deleted, notFound);
        request.log.info({ mapping: request.params.pm_uuid }, 'rac property mapping deleted');
        return reply.code(204).send();
      },
    );
  };
}
