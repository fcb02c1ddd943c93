import { Type } from '@sinclair/typebox';
import type { Static } from '@sinclair/typebox';
import {
  GenericError,
  ListQuery,
  ManifestFormat,
  Outpost as OutpostBody,
  OutpostDefaultConfig,
  OutpostHealth,
  OutpostManifest,
  OutpostRequest,
  Paginated,
  PatchedOutpostRequest,
  ValidationError,
} from '@palisade/schema';
import type { FastifyPluginAsync } from 'fastify';
import type { AppContext } from '../../context.ts';
import { assertThat, notFound, uniqueViolation } from '../../http/api-error.ts';
import { publicOrigin } from '../../http/origin.ts';
import { paginated, pageWindow } from '../../http/pagination.ts';
import { defaultOutpostConfig, refreshIntervalSeconds, storedOutpostConfig } from '../../outposts/config.ts';
import { listOutpostHealth } from '../../outposts/health.ts';
import { MASKED_TOKEN, outpostManifest } from '../../outposts/manifest.ts';
import { SERVICE_CONNECTION_KINDS } from '../../integrations/service-connections.ts';
import { findServiceConnection } from '../../integrations/service-connections-repository.ts';
import { routedProvidersOf } from '../../integrations/kubernetes/load-input.ts';
import { findOutpost, listOutposts, type Outpost } from '../../outposts/outposts-repository.ts';
import {
  changeOutpost,
  createOutpost,
  type OutpostInput,
  removeOutpost,
} from '../../outposts/outposts-service.ts';
import { outpostOfPrincipal } from '../../outposts/principal.ts';
import { presentProvidersById } from '../../outposts/provider-types.ts';
import {
  ensureOutpostServiceAccount,
  outpostTokenIdentifier,
  outpostTokenKey,
} from '../../outposts/service-account.ts';
import { presentServiceConnection } from './service-connections.ts';

const errors = { 400: ValidationError, 403: GenericError, 404: GenericError };

const OutpostListQuery = Type.Object({
  ...ListQuery,
  name__iexact: Type.Optional(Type.String()),
  name__icontains: Type.Optional(Type.String()),
  managed__iexact: Type.Optional(Type.String()),
  managed__icontains: Type.Optional(Type.String()),
  providers__isnull: Type.Optional(Type.Boolean()),
  providers_by_pk: Type.Optional(Type.Array(Type.Integer({ minimum: 1, maximum: 2147483647 }))),
  service_connection__name__iexact: Type.Optional(Type.String()),
  service_connection__name__icontains: Type.Optional(Type.String()),
});
const OutpostId = Type.Object({ uuid: Type.String({ format: 'uuid' }) });
const ManifestQuery = Type.Object({
  format: Type.Optional(ManifestFormat),
  mask_token: Type.Optional(Type.Boolean()),
});

/** The core's build, for health answers (release builds have no build hash). */
const coreBuild = (ctx: AppContext) => ({ version: ctx.version, buildHash: '' });

/** The outpost's integration as the generic list shows it (null when it has none, or of an unknown kind). */
async function serviceConnectionOf(ctx: AppContext, uuid: string | null) {
  const row = uuid ? await findServiceConnection(ctx.db, uuid) : undefined;
  return row && SERVICE_CONNECTION_KINDS[row.kind] ? presentServiceConnection(row) : null;
}

/** Presents an outpost in the contract's Outpost shape. */
async function present(ctx: AppContext, outpost: Outpost): Promise<Static<typeof OutpostBody>> {
  const config = storedOutpostConfig(outpost.config, defaultOutpostConfig(ctx.config));
  const [providers, connection] = await Promise.all([
    presentProvidersById(ctx.db, outpost.providers),
    serviceConnectionOf(ctx, outpost.serviceConnection),
  ]);
  return {
    pk: outpost.uuid,
    name: outpost.name,
    type: outpost.type,
    providers: outpost.providers,
    providers_obj: providers,
    service_connection: outpost.serviceConnection,
    service_connection_obj: connection,
    refresh_interval_s: refreshIntervalSeconds(config),
    token_identifier: outpostTokenIdentifier(outpost),
    config,
    managed: outpost.managed,
  };
}

/**
 * Reads also repair the service account and token (controllers.md §2: ensured on every access). Two
 * replicas repairing at once may collide on the token's identifier; the other one's repair stands.
 */
async function ensureOnRead(ctx: AppContext, outpost: Outpost): Promise<void> {
  await ensureOutpostServiceAccount(ctx.db, ctx.box, outpost).catch((error: unknown) => {
    if (!uniqueViolation(error)) throw error;
  });
}

/**
 * /outposts/instances/ reads, in the outpost-facing group: a superuser sees every outpost, an outpost's
 * token only its own (an outpost discovers itself by listing, controllers.md §2).
 */
export function outpostReadRoutes(ctx: AppContext): FastifyPluginAsync {
  return async (app) => {
    app.get<{ Querystring: Static<typeof OutpostListQuery> }>(
      '/outposts/instances/',
      {
        schema: { querystring: OutpostListQuery, response: { 200: Paginated(OutpostBody), ...errors } },
        config: { operationId: 'outposts_instances_list' },
      },
      async (request) => {
        const q = request.query;
        const { outposts, count } = await listOutposts(ctx.db, {
          ...pageWindow(q),
          filter: {
            nameIexact: q.name__iexact,
            nameIcontains: q.name__icontains,
            managedIexact: q.managed__iexact,
            managedIcontains: q.managed__icontains,
            providersIsNull: q.providers__isnull,
            providersByPk: q.providers_by_pk,
            connectionNameIexact: q.service_connection__name__iexact,
            connectionNameIcontains: q.service_connection__name__icontains,
            uuid: outpostOfPrincipal(request)?.uuid,
          },
        });
        // An outpost reading itself just authenticated with its own token, so its account and token are
        // there to repair only for other callers; skipping it halves the work of every outpost refresh.
        const caller = outpostOfPrincipal(request)?.uuid;
        const results = [];
        for (const outpost of outposts) {
          if (outpost.uuid !== caller) await ensureOnRead(ctx, outpost);
          results.push(await present(ctx, outpost));
        }
        return paginated(q, results, count);
      },
    );

    app.get<{ Params: Static<typeof OutpostId> }>(
      '/outposts/instances/:uuid/',
      {
        schema: { params: OutpostId, response: { 200: OutpostBody, ...errors } },
        config: { operationId: 'outposts_instances_retrieve' },
      },
      async (request) => {
        const outpost = await visibleOutpost(ctx, request.params.uuid, outpostOfPrincipal(request));
        await ensureOnRead(ctx, outpost);
        return present(ctx, outpost);
      },
    );

    app.get<{ Params: Static<typeof OutpostId> }>(
      '/outposts/instances/:uuid/health/',
      {
        schema: { params: OutpostId, response: { 200: Type.Array(OutpostHealth), ...errors } },
        config: { operationId: 'outposts_instances_health_list' },
      },
      async (request) => {
        const outpost = await visibleOutpost(ctx, request.params.uuid, outpostOfPrincipal(request));
        return listOutpostHealth(ctx.db, outpost.uuid, coreBuild(ctx));
      },
    );
  };
}

/** The outpost with this uuid if the caller may see it (an outpost sees only itself); else 404. */
async function visibleOutpost(ctx: AppContext, uuid: string, caller: Outpost | undefined): Promise<Outpost> {
  const outpost = caller && caller.uuid !== uuid ? undefined : await findOutpost(ctx.db, uuid);
  assertThat(outpost, notFound);
  return outpost;
}

/** /outposts/instances/ writes, default settings and the manual-deployment manifest: superusers only. */
export function outpostAdminRoutes(ctx: AppContext): FastifyPluginAsync {
  return async (app) => {
    app.get(
      '/outposts/instances/default_settings/',
      {
        schema: { response: { 200: OutpostDefaultConfig, ...errors } },
        config: { operationId: 'outposts_instances_default_settings_retrieve' },
      },
      async (request) => ({
        config: { ...defaultOutpostConfig(ctx.config), authentik_host: `${publicOrigin(ctx, request)}/` },
      }),
    );

    app.post<{ Body: Static<typeof OutpostRequest> }>(
      '/outposts/instances/',
      {
        schema: { body: OutpostRequest, response: { 201: OutpostBody, ...errors } },
        config: { operationId: 'outposts_instances_create' },
      },
      async (request, reply) => {
        const outpost = await createOutpost(ctx, request.body as OutpostInput);
        request.log.info({ outpost: outpost.uuid, name: outpost.name }, 'outpost created');
        return reply.code(201).send(await present(ctx, outpost));
      },
    );

    for (const [method, body, operationId] of [
      ['PUT', OutpostRequest, 'outposts_instances_update'],
      ['PATCH', PatchedOutpostRequest, 'outposts_instances_partial_update'],
    ] as const) {
      app.route<{ Params: Static<typeof OutpostId>; Body: Static<typeof PatchedOutpostRequest> }>({
        method,
        url: '/outposts/instances/:uuid/',
        schema: { params: OutpostId, body, response: { 200: OutpostBody, ...errors } },
        config: { operationId },
        handler: async (request) => {
          const outpost = await changeOutpost(ctx, request.params.uuid, request.body as OutpostInput);
          request.log.info({ outpost: outpost.uuid }, 'outpost updated');
          return present(ctx, outpost);
        },
      });
    }

    app.delete<{ Params: Static<typeof OutpostId> }>(
      '/outposts/instances/:uuid/',
      {
        schema: { params: OutpostId, response: { 204: Type.Null(), ...errors } },
        config: { operationId: 'outposts_instances_destroy' },
      },
      async (request, reply) => {
        await removeOutpost(ctx, request.params.uuid);
        request.log.info({ outpost: request.params.uuid }, 'outpost deleted');
        return reply.code(204).send();
      },
    );

    // A Palisade extension: what a manual deployment needs (docs/outposts.md). `mask_token` answers it with the
    // token masked, so the console shows the manifest without the secret until asked.
    app.get<{ Params: Static<typeof OutpostId>; Querystring: Static<typeof ManifestQuery> }>(
      '/outposts/instances/:uuid/manifest/',
      {
        schema: {
          params: OutpostId,
          querystring: ManifestQuery,
          response: { 200: OutpostManifest, ...errors },
        },
        config: { operationId: 'outposts_instances_manifest_retrieve' },
      },
      async (request) => {
        const outpost = await findOutpost(ctx.db, request.params.uuid);
        assertThat(outpost, notFound);
        const config = storedOutpostConfig(outpost.config, defaultOutpostConfig(ctx.config));
        const masked = request.query.mask_token === true;
        const tokenKey = masked
          ? MASKED_TOKEN
          : await ctx.db.transaction((tx) => outpostTokenKey(tx, ctx.box, outpost));
        if (!masked)
          request.log.info({ outpost: outpost.uuid }, 'outpost manifest viewed (it carries the token key)');
        return outpostManifest(
          {
            outpost,
            config,
            tokenKey,
            version: ctx.version,
            imageBase: ctx.config.outposts.container_image_base,
            providers: await routedProvidersOf(ctx.db, outpost),
          },
          request.query.format ?? 'compose',
        );
      },
    );
  };
}
