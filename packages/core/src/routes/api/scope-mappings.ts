import { Type } from '@sinclair/typebox';
import type { Static } from '@sinclair/typebox';
import {
  GenericError,
  ListQuery,
  Paginated,
  ScopeMapping as MappingBody,
  ValidationError,
} from '@palisade/schema';
import type { FastifyPluginAsync } from 'fastify';
import { assertThat, notFound } from '../../http/api-error.ts';
import { paginated, pageWindow } from '../../http/pagination.ts';
import { SCOPE_MAPPINGS, type ScopeMapping } from '../../oauth2/scope-mappings.ts';

const errors = { 400: ValidationError, 403: GenericError, 404: GenericError };

const MappingListQuery = Type.Object({
  ...ListQuery,
  scope_name: Type.Optional(Type.String()),
  name: Type.Optional(Type.String()),
  managed: Type.Optional(Type.String()),
});

function present(mapping: ScopeMapping): Static<typeof MappingBody> {
  return {
    pk: mapping.uuid,
    managed: mapping.managed,
    name: mapping.name,
    // The mappings are built in: the expression states what they release rather than code to run.
    expression: `# built in: releases ${mapping.claims.length ? mapping.claims.join(', ') : 'a refresh token'}`,
    component: 'ak-property-mapping-provider-scope-form',
    verbose_name: 'Scope Mapping',
    verbose_name_plural: 'Scope Mappings',
    meta_model_name: 'authentik_providers_oauth2.scopemapping',
    scope_name: mapping.scopeName,
    description: mapping.description,
  };
}

/** /propertymappings/provider/scope/: the scopes the authorization server knows (built in, read only). */
export function scopeMappingRoutes(): FastifyPluginAsync {
  return async (app) => {
    app.get<{ Querystring: Static<typeof MappingListQuery> }>(
      '/propertymappings/provider/scope/',
      {
        schema: { querystring: MappingListQuery, response: { 200: Paginated(MappingBody), ...errors } },
        config: { operationId: 'propertymappings_provider_scope_list' },
      },
      async (request) => {
        const q = request.query;
        const term = q.search?.toLowerCase();
        const matching = SCOPE_MAPPINGS.filter(
          (m) =>
            (q.scope_name === undefined || m.scopeName === q.scope_name) &&
            (q.name === undefined || m.name === q.name) &&
            (q.managed === undefined || m.managed === q.managed) &&
            (!term || m.name.toLowerCase().includes(term) || m.scopeName.includes(term)),
        );
        const { limit, offset } = pageWindow(q);
        return paginated(q, matching.slice(offset, offset + limit).map(present), matching.length);
      },
    );

    app.get<{ Params: { pm_uuid: string } }>(
      '/propertymappings/provider/scope/:pm_uuid/',
      {
        schema: {
          params: Type.Object({ pm_uuid: Type.String({ format: 'uuid' }) }),
          response: { 200: MappingBody, ...errors },
        },
        config: { operationId: 'propertymappings_provider_scope_retrieve' },
      },
      async (request) => {
        const mapping = SCOPE_MAPPINGS.find((m) => m.uuid === request.params.pm_uuid);
        assertThat(mapping, notFound);
        return present(mapping);
      },
    );
  };
}
