import { Type } from '@sinclair/typebox';
import type { Static, TObject } from '@sinclair/typebox';
import {
  GenericError,
  ListQuery,
  Paginated,
  Stage,
  stageCommon,
  StageName,
  UsedBy,
  ValidationError,
} from '@palisade/schema';
import { TypeCreate } from '@palisade/schema/api/service-connections';
import type { FastifyPluginAsync } from 'fastify';
import type { AppContext } from '../../context.ts';
import { assertThat, notFound, uniqueViolation, validationFailed } from '../../http/api-error.ts';
import { paginated, pageWindow } from '../../http/pagination.ts';
import type { StageKind } from '../../flows/engine/stage.ts';
import { STAGE_KINDS } from '../../flows/engine/stages/index.ts';
import {
  deleteStage,
  findStage,
  insertStage,
  listStages,
  type StageRecord,
  updateStage,
} from '../../flows/stages-repository.ts';
import { usedByStage } from '../../flows/used-by.ts';
import { presentStages } from './flow-presenters.ts';

const errors = { 400: ValidationError, 403: GenericError, 404: GenericError };

const StageListQuery = Type.Object({ ...ListQuery, name: Type.Optional(Type.String({ maxLength: 200 })) });
const StageId = Type.Object({ stage_uuid: Type.String({ format: 'uuid' }) });

/** Runs a write, answering a taken name as the contract's 400 on `name`. */
async function uniqueName<T>(write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (uniqueViolation(error))
      throw validationFailed({ name: ['stage with this name already exists.'] }, 'unique');
    throw error;
  }
}

/** The kind's response and request schemas: the common Stage fields plus its own. */
function kindSchemas(kind: StageKind<object>) {
  const own = kind.configSchema.properties;
  const writable = { name: StageName, ...Type.Partial(Type.Object(own)).properties };
  return {
    body: Type.Object({ ...stageCommon, ...own }) as TObject,
    request: Type.Object(writable, { additionalProperties: false }),
    patch: Type.Partial(Type.Object(writable), { additionalProperties: false }),
  };
}

/** The kind's fields of a request body (everything but `name`). */
function configOf(body: Record<string, unknown>): Record<string, unknown> {
  const { name: _name, ...config } = body;
  return config;
}

/** /stages/<kind>/ for one registered kind: list, create, read, update and delete its stages. */
function stageKindRoutes(ctx: AppContext, kind: StageKind<object>): FastifyPluginAsync {
  const schemas = kindSchemas(kind);
  const base = `/stages/${kind.kind}/`;
  const op = kind.operationPrefix;

  async function checked(config: Record<string, unknown>): Promise<Record<string, unknown>> {
    const complete = { ...kind.defaults, ...config };
    const problems = await kind.validate?.(ctx, complete);
    assertThat(!problems, () => validationFailed(problems ?? {}));
    return complete;
  }

  async function present(stage: StageRecord) {
    const [body] = await presentStages(ctx, [stage]);
    return body;
  }

  return async (app) => {
    app.get<{ Querystring: Static<typeof StageListQuery> }>(
      base,
      {
        schema: { querystring: StageListQuery, response: { 200: Paginated(schemas.body), ...errors } },
        config: { operationId: `${op}_list` },
      },
      async (request) => {
        const q = request.query;
        const { stages, count } = await listStages(ctx.db, {
          ...pageWindow(q),
          kind: kind.kind,
          name: q.name,
        });
        return paginated(q, await presentStages(ctx, stages), count);
      },
    );

    app.post<{ Body: Record<string, unknown> & { name: string } }>(
      base,
      {
        schema: { body: schemas.request, response: { 201: schemas.body, ...errors } },
        config: { operationId: `${op}_create` },
      },
      async (request, reply) => {
        const config = await checked(configOf(request.body));
        const stage = await uniqueName(() =>
          insertStage(ctx.db, { name: request.body.name, kind: kind.kind, config }),
        );
        request.log.info({ stage: stage.name, kind: kind.kind }, 'stage created');
        return reply.code(201).send(await present(stage));
      },
    );

    app.get<{ Params: Static<typeof StageId> }>(
      `${base}:stage_uuid/`,
      {
        schema: { params: StageId, response: { 200: schemas.body, ...errors } },
        config: { operationId: `${op}_retrieve` },
      },
      async (request) => {
        const stage = await findStage(ctx.db, request.params.stage_uuid, kind.kind);
        assertThat(stage, notFound);
        return present(stage);
      },
    );

    for (const [method, body, suffix] of [
      ['PUT', schemas.request, 'update'],
      ['PATCH', schemas.patch, 'partial_update'],
    ] as const) {
      app.route<{ Params: Static<typeof StageId>; Body: Record<string, unknown> }>({
        method,
        url: `${base}:stage_uuid/`,
        schema: { params: StageId, body, response: { 200: schemas.body, ...errors } },
        config: { operationId: `${op}_${suffix}` },
        handler: async (request) => {
          const current = await findStage(ctx.db, request.params.stage_uuid, kind.kind);
          assertThat(current, notFound);
          // PUT resets what it leaves out to the kind's defaults; PATCH keeps it.
          const start = method === 'PUT' ? {} : current.config;
          const config = await checked({ ...start, ...configOf(request.body) });
          const name = typeof request.body.name === 'string' ? request.body.name : current.name;
          const updated = await uniqueName(() => updateStage(ctx.db, current.uuid, { name, config }));
          assertThat(updated, notFound);
          request.log.info({ stage: updated.name, kind: kind.kind }, 'stage updated');
          return present(updated);
        },
      });
    }

    app.get<{ Params: Static<typeof StageId> }>(
      `${base}:stage_uuid/used_by/`,
      {
        schema: { params: StageId, response: { 200: Type.Array(UsedBy), ...errors } },
        config: { operationId: `${op}_used_by_list` },
      },
      async (request) => {
        const stage = await findStage(ctx.db, request.params.stage_uuid, kind.kind);
        assertThat(stage, notFound);
        return usedByStage(ctx.db, stage.uuid);
      },
    );

    app.delete<{ Params: Static<typeof StageId> }>(
      `${base}:stage_uuid/`,
      {
        schema: { params: StageId, response: { 204: Type.Null(), ...errors } },
        config: { operationId: `${op}_destroy` },
      },
      async (request, reply) => {
        const stage = await findStage(ctx.db, request.params.stage_uuid, kind.kind);
        assertThat(stage, notFound);
        await ctx.db.transaction((tx) => deleteStage(tx, stage.uuid));
        request.log.info({ stage: stage.name, kind: kind.kind }, 'stage deleted');
        return reply.code(204).send();
      },
    );
  };
}

/** /stages/all/ and /stages/<kind>/ for every registered kind. */
export function stageRoutes(ctx: AppContext): FastifyPluginAsync {
  return async (app) => {
    app.get<{ Querystring: Static<typeof StageListQuery> }>(
      '/stages/all/',
      {
        schema: { querystring: StageListQuery, response: { 200: Paginated(Stage), ...errors } },
        config: { operationId: 'stages_all_list' },
      },
      async (request) => {
        const q = request.query;
        const { stages, count } = await listStages(ctx.db, { ...pageWindow(q), name: q.name });
        return paginated(q, await presentStages(ctx, stages), count);
      },
    );

    app.get(
      '/stages/all/types/',
      {
        schema: { response: { 200: Type.Array(TypeCreate), ...errors } },
        config: { operationId: 'stages_all_types_list' },
      },
      async () =>
        STAGE_KINDS.map((kind) => ({
          name: kind.verboseName,
          description: kind.description,
          component: kind.component,
          // The reference's model_name is the model's own name, without its app label.
          model_name: kind.metaModelName.split('.').at(-1) ?? kind.metaModelName,
          requires_enterprise: false,
          deprecated: false,
        })),
    );

    app.get<{ Params: Static<typeof StageId> }>(
      '/stages/all/:stage_uuid/',
      {
        schema: { params: StageId, response: { 200: Stage, ...errors } },
        config: { operationId: 'stages_all_retrieve' },
      },
      async (request) => {
        const stage = await findStage(ctx.db, request.params.stage_uuid);
        assertThat(stage, notFound);
        const [body] = await presentStages(ctx, [stage]);
        return body;
      },
    );

    app.delete<{ Params: Static<typeof StageId> }>(
      '/stages/all/:stage_uuid/',
      {
        schema: { params: StageId, response: { 204: Type.Null(), ...errors } },
        config: { operationId: 'stages_all_destroy' },
      },
      async (request, reply) => {
        const uuid = request.params.stage_uuid;
        assertThat(await ctx.db.transaction((tx) => deleteStage(tx, uuid)), notFound);
        request.log.info({ stage: request.params.stage_uuid }, 'stage deleted');
        return reply.code(204).send();
      },
    );

    for (const kind of STAGE_KINDS) await app.register(stageKindRoutes(ctx, kind));
  };
}
