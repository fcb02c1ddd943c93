import { Type } from '@sinclair/typebox';
import type { Static } from '@sinclair/typebox';
import {
  Application as ApplicationBody,
  ApplicationRequest,
  GenericError,
  ListQuery,
  Paginated,
  PatchedApplicationRequest,
  PolicyTestResult,
  ValidationError,
} from '@palisade/schema';
import type { FastifyPluginAsync } from 'fastify';
import {
  type Application,
  type ApplicationFields,
  deleteApplication,
  findApplicationBySlug,
  insertApplication,
  listApplications,
  type PolicyEngineMode,
  updateApplication,
} from '../../applications/applications-repository.ts';
import type { AppContext } from '../../context.ts';
import type { Queryable } from '../../db/database.ts';
import { queryOne } from '../../db/database.ts';
import { ApiError, assertThat, notFound, uniqueViolation, validationFailed } from '../../http/api-error.ts';
import { MAX_PAGE_SIZE, paginated, pageWindow } from '../../http/pagination.ts';
import { findUserById } from '../../identity/users-repository.ts';
import { outpostsAffectedBy, notifyOutposts, publishChange } from '../../outposts/hub/changes.ts';
import { evaluateAccess } from '../../policies/engine.ts';
import { presentApplication, presentApplications } from './application-presenter.ts';

const errors = { 400: ValidationError, 403: GenericError, 404: GenericError };

const ApplicationListQuery = Type.Object({
  ...ListQuery,
  name: Type.Optional(Type.String()),
  slug: Type.Optional(Type.String()),
  group: Type.Optional(Type.String()),
  meta_launch_url: Type.Optional(Type.String()),
  meta_description: Type.Optional(Type.String()),
  meta_publisher: Type.Optional(Type.String()),
  only_with_launch_url: Type.Optional(Type.Boolean()),
  superuser_full_list: Type.Optional(Type.Boolean()),
  for_user: Type.Optional(Type.Integer({ minimum: 1, maximum: 2147483647 })),
});

const Slug = Type.Object({ slug: Type.String({ minLength: 1, maxLength: 50 }) });
const CheckAccessQuery = Type.Object({
  for_user: Type.Optional(Type.Integer({ minimum: 1, maximum: 2147483647 })),
});

type ApplicationInput = Static<typeof PatchedApplicationRequest>;

function applicationFields(body: ApplicationInput): ApplicationFields {
  return {
    name: body.name,
    slug: body.slug,
    providerId: body.provider,
    openInNewTab: body.open_in_new_tab,
    metaLaunchUrl: body.meta_launch_url,
    metaIcon: body.meta_icon,
    metaDescription: body.meta_description,
    metaPublisher: body.meta_publisher,
    policyEngineMode: body.policy_engine_mode as PolicyEngineMode | undefined,
    group: body.group,
  };
}

async function assertProviderExists(db: Queryable, provider: number | null | undefined): Promise<void> {
  if (provider === undefined || provider === null) return;
  const found = await queryOne(db, 'SELECT 1 FROM providers WHERE id = $1', [provider]);
  assertThat(found, () =>
    validationFailed({ provider: [`Invalid pk "${provider}" - object does not exist.`] }),
  );
}

function duplicateSlug(error: unknown): never {
  const constraint = uniqueViolation(error);
  if (constraint?.includes('provider')) {
    throw validationFailed({ provider: ['This provider already serves another application.'] }, 'unique');
  }
  if (constraint) throw validationFailed({ slug: ['Application with this slug already exists.'] }, 'unique');
  throw error;
}

async function userOrError(ctx: AppContext, id: number) {
  const user = await findUserById(ctx.db, id);
  assertThat(user, () => validationFailed({ for_user: ['User does not exist.'] }));
  return user;
}

/** GET /core/applications/ for anyone signed in: the applications the caller may use (superusers: any view). */
export function applicationListRoutes(ctx: AppContext): FastifyPluginAsync {
  return async (app) => {
    app.get<{ Querystring: Static<typeof ApplicationListQuery> }>(
      '/core/applications/',
      {
        schema: {
          querystring: ApplicationListQuery,
          response: { 200: Paginated(ApplicationBody), ...errors },
        },
        config: { operationId: 'core_applications_list' },
      },
      async (request) => {
        const q = request.query;
        // Anyone signed in sees the applications they may use (the launcher); the full list and other users'
        // views are for superusers.
        assertThat(
          !(q.superuser_full_list || q.for_user) || request.principal?.user.isSuperuser,
          () => new ApiError('permission_denied'),
        );
        const filter = {
          name: q.name,
          slug: q.slug,
          group: q.group,
          metaLaunchUrl: q.meta_launch_url,
          metaDescription: q.meta_description,
          metaPublisher: q.meta_publisher,
          onlyWithLaunchUrl: q.only_with_launch_url,
        };
        if (q.superuser_full_list) {
          const { applications, count } = await listApplications(ctx.db, { ...pageWindow(q), filter });
          return paginated(q, await presentApplications(ctx.db, applications), count);
        }
        // As in the reference, the default list is the applications the user (or `for_user`) may use. Access
        // is decided per application, so this reads at most MAX_PAGE_SIZE applications before paging.
        const user = q.for_user ? await userOrError(ctx, q.for_user) : request.principal?.user;
        assertThat(user, notFound);
        const { applications } = await listApplications(ctx.db, {
          ...pageWindow({ ...q, page: 1, page_size: MAX_PAGE_SIZE }),
          filter,
        });
        const allowed: Application[] = [];
        for (const candidate of applications) {
          if ((await evaluateAccess(ctx.db, candidate.uuid, candidate.policyEngineMode, user.id)).passing) {
            allowed.push(candidate);
          }
        }
        const { limit, offset } = pageWindow(q);
        return paginated(
          q,
          await presentApplications(ctx.db, allowed.slice(offset, offset + limit)),
          allowed.length,
        );
      },
    );
  };
}

/** /core/applications/: applications and who may use them. */
export function applicationRoutes(ctx: AppContext): FastifyPluginAsync {
  return async (app) => {
    app.post<{ Body: Static<typeof ApplicationRequest> }>(
      '/core/applications/',
      {
        schema: { body: ApplicationRequest, response: { 201: ApplicationBody, ...errors } },
        config: { operationId: 'core_applications_create' },
      },
      async (request, reply) => {
        await assertProviderExists(ctx.db, request.body.provider);
        const created = await ctx.db
          .transaction(async (tx) => {
            const inserted = await insertApplication(tx, {
              ...applicationFields(request.body),
              name: request.body.name,
              slug: request.body.slug,
            });
            // Outposts list only providers that serve an application: the provider's outposts must refresh.
            await publishChange({ db: tx }, { model: 'application', pk: inserted.uuid });
            return inserted;
          })
          .catch(duplicateSlug);
        request.log.info({ application: created.slug }, 'application created');
        return reply.code(201).send(await presentApplication(ctx.db, created));
      },
    );

    app.get<{ Params: Static<typeof Slug> }>(
      '/core/applications/:slug/',
      {
        schema: { params: Slug, response: { 200: ApplicationBody, ...errors } },
        config: { operationId: 'core_applications_retrieve' },
      },
      async (request) => {
        const found = await findApplicationBySlug(ctx.db, request.params.slug);
        assertThat(found, notFound);
        return presentApplication(ctx.db, found);
      },
    );

    for (const [method, body, operationId] of [
      ['PUT', ApplicationRequest, 'core_applications_update'],
      ['PATCH', PatchedApplicationRequest, 'core_applications_partial_update'],
    ] as const) {
      app.route<{ Params: Static<typeof Slug>; Body: ApplicationInput }>({
        method,
        url: '/core/applications/:slug/',
        schema: { params: Slug, body, response: { 200: ApplicationBody, ...errors } },
        config: { operationId },
        handler: async (request) => {
          await assertProviderExists(ctx.db, request.body.provider);
          const updated = await ctx.db
            .transaction(async (tx) => {
              const current = await findApplicationBySlug(tx, request.params.slug);
              if (!current) return undefined;
              const change = { model: 'application', pk: current.uuid } as const;
              // A new provider moves the application to other outposts: both the old and the new ones hear.
              const before = await outpostsAffectedBy(tx, change);
              const after = await updateApplication(tx, request.params.slug, applicationFields(request.body));
              await notifyOutposts(tx, [...before, ...(await outpostsAffectedBy(tx, change))]);
              return after;
            })
            .catch(duplicateSlug);
          assertThat(updated, notFound);
          request.log.info({ application: updated.slug }, 'application updated');
          return presentApplication(ctx.db, updated);
        },
      });
    }

    app.delete<{ Params: Static<typeof Slug> }>(
      '/core/applications/:slug/',
      {
        schema: { params: Slug, response: { 204: Type.Null(), ...errors } },
        config: { operationId: 'core_applications_destroy' },
      },
      async (request, reply) => {
        const deleted = await ctx.db.transaction(async (tx) => {
          const current = await findApplicationBySlug(tx, request.params.slug);
          if (current) await publishChange({ db: tx }, { model: 'application', pk: current.uuid });
          return deleteApplication(tx, request.params.slug);
        });
        assertThat(deleted, notFound);
        request.log.info({ application: request.params.slug }, 'application deleted');
        return reply.code(204).send();
      },
    );

    app.get<{ Params: Static<typeof Slug>; Querystring: Static<typeof CheckAccessQuery> }>(
      '/core/applications/:slug/check_access/',
      {
        schema: {
          params: Slug,
          querystring: CheckAccessQuery,
          response: { 200: PolicyTestResult, ...errors },
        },
        config: { operationId: 'core_applications_check_access_retrieve' },
      },
      async (request) => {
        const target = await findApplicationBySlug(ctx.db, request.params.slug);
        assertThat(target, notFound);
        const user = request.query.for_user
          ? await userOrError(ctx, request.query.for_user)
          : request.principal?.user;
        assertThat(user, notFound);
        const result = await evaluateAccess(ctx.db, target.uuid, target.policyEngineMode, user.id);
        return { ...result, log_messages: [] };
      },
    );
  };
}
