import { GenericError, RootConfig, Version } from '@palisade/schema';
import type { FastifyPluginAsync } from 'fastify';
import type { AppContext } from '../../context.ts';
import { assertSuperuser, authenticateApiRequest } from '../../http/authenticate.ts';

/** Root configuration (public, as outposts and the login pages read it before signing in) and version. */
export function rootRoutes(ctx: AppContext): FastifyPluginAsync {
  return async (app) => {
    app.get(
      '/root/config/',
      { schema: { response: { 200: RootConfig } }, config: { operationId: 'root_config_retrieve' } },
      async () => ({
        error_reporting: {
          enabled: false,
          sentry_dsn: '',
          environment: '',
          send_pii: false,
          traces_sample_rate: 0,
        },
        capabilities: [],
        cache_timeout: 300,
        cache_timeout_flows: 300,
        cache_timeout_policies: 300,
      }),
    );
    app.get(
      '/admin/version/',
      {
        schema: { response: { 200: Version, 403: GenericError } },
        config: { operationId: 'admin_version_retrieve' },
        onRequest: async (request) => {
          const principal = await authenticateApiRequest(ctx, request);
          assertSuperuser(principal);
          request.principal = principal;
        },
      },
      async () => ({
        version_current: ctx.version,
        // Palisade does not phone home for the latest release; the running version is the latest it knows.
        version_latest: ctx.version,
        version_latest_valid: true,
        build_hash: process.env.PALISADE_BUILD_HASH ?? '',
        outdated: false,
        outpost_outdated: false,
      }),
    );
  };
}
