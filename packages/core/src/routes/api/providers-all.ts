import { Type } from '@sinclair/typebox';
import type { Static } from '@sinclair/typebox';
import { GenericError, ListQuery, Paginated, Provider, ValidationError } from '@palisade/schema';
import type { FastifyPluginAsync } from 'fastify';
import type { AppContext } from '../../context.ts';
import { paginated, pageWindow } from '../../http/pagination.ts';
import { listProviders } from '../../providers/providers-repository.ts';
import { presentProvider } from './provider-kinds.ts';

const errors = { 400: ValidationError, 403: GenericError };

const AllProvidersQuery = Type.Object({
  ...ListQuery,
  application__isnull: Type.Optional(Type.Boolean()),
  // Palisade has no backchannel providers yet: every provider is a front-channel one.
  backchannel: Type.Optional(Type.Boolean()),
});

/** /providers/all/: every provider whatever its kind, each presented as its most derived kind. */
export function allProvidersRoutes(ctx: AppContext): FastifyPluginAsync {
  return async (app) => {
    app.get<{ Querystring: Static<typeof AllProvidersQuery> }>(
      '/providers/all/',
      {
        schema: { querystring: AllProvidersQuery, response: { 200: Paginated(Provider), ...errors } },
        config: { operationId: 'providers_all_list' },
      },
      async (request) => {
        const q = request.query;
        if (q.backchannel === true) return paginated(q, [], 0);
        const { providers, count } = await listProviders(ctx.db, {
          ...pageWindow(q),
          filter: { applicationIsNull: q.application__isnull },
        });
        return paginated(
          q,
          providers.map((p) => presentProvider(p, p.kind)),
          count,
        );
      },
    );
  };
}
