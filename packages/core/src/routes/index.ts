import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../context.ts';
import { assertSuperuser, authenticateApiRequest } from '../http/authenticate.ts';
import { applicationListRoutes, applicationRoutes } from './api/applications.ts';
import { authenticatorRoutes } from './api/authenticators.ts';
import { certificateKeypairReadRoutes, certificateKeypairRoutes } from './api/certificate-keypairs.ts';
import { dockerConnectionRoutes } from './api/docker-connections.ts';
import { rotationRoutes } from '../integrations/token-rotation-routes.ts';
import { flowBindingRoutes } from './api/flow-bindings.ts';
import { flowExecutorRoutes } from './api/flow-executor.ts';
import { flowInstanceRoutes } from './api/flows.ts';
import { stageRoutes } from './api/stages.ts';
import { eventListRoutes } from './api/event-list.ts';
import { eventRoutes } from './api/events.ts';
import { oauth2ProviderRoutes } from './api/oauth2-providers.ts';
import { outpostFromQuery, outpostProxyRoutes } from './api/outposts-proxy.ts';
import { allProvidersRoutes } from './api/providers-all.ts';
import { proxyProviderRoutes } from './api/proxy-providers.ts';
import { ldapProviderRoutes } from './api/ldap-providers.ts';
import { radiusProviderRoutes } from './api/radius-providers.ts';
import { radiusPropertyMappingRoutes } from './api/radius-property-mappings.ts';
import { racConnectionTokenRoutes } from './api/rac-connection-tokens.ts';
import { racEndpointListRoutes, racEndpointRoutes } from './api/rac-endpoints.ts';
import { racPropertyMappingRoutes } from './api/rac-property-mappings.ts';
import { racProviderRoutes } from './api/rac-providers.ts';
import { outpostConfigRoutes } from './api/outpost-configs.ts';
import { outpostAccessCheckRoutes } from './api/outpost-access-checks.ts';
import { isLdapDirectoryRead } from '../outposts/directory-read.ts';
import { ApiError } from '../http/api-error.ts';
import { recordModelEvents } from '../events/model-events.ts';
import { outpostAdminRoutes, outpostReadRoutes } from './api/outposts.ts';
import { kubernetesConnectionRoutes } from './api/kubernetes-connections.ts';
import { serviceConnectionRoutes } from './api/service-connections.ts';
import { taskRoutes } from './api/tasks.ts';
import { groupRoutes } from './api/groups.ts';
import { networkPasswordRoutes } from './api/network-password.ts';
import { outpostRadiusEapRoutes } from './api/outposts-radius-eap.ts';
import { policyBindingRoutes } from './api/policy-bindings.ts';
import { scopeMappingRoutes } from './api/scope-mappings.ts';
import { rootRoutes } from './api/root.ts';
import { schemaRoutes } from './api/schema.ts';
import { tokenRoutes } from './api/tokens.ts';
import { userRoutes } from './api/users.ts';
import { userSelfRoutes } from './api/users-self.ts';
import { flowRoutes } from './flows/index.ts';
import { webauthnScriptRoutes } from './flows/webauthn-scripts.ts';
import { healthRoutes } from './health.ts';
import { oauth2Routes } from './oauth2/index.ts';
import { webRoutes } from './web.ts';
import { racInterfaceRoutes } from './rac-interface.ts';
import { authenticateSuperuserOrOutpost, outpostOfPrincipal } from '../outposts/principal.ts';

/**
 * Registers every route, grouped by who may call it; authentication is attached once per group, never
 * inside a handler:
 * - public: health checks, root config, the OpenAPI document, flow pages and the flow executor (which do
 *   their own sign-in);
 * - signed-in users (api token or session): their own account;
 * - end users' login sessions, as outposts present them after running the flow executor: access checks;
 * - outposts (an outpost's api token, the secret key for the embedded outpost) or superusers: what an
 *   outpost reads and posts, each handler scoping an outpost to its own objects (outposts/principal.ts);
 * - admins (a superuser's api token or session): the admin API; an LDAP outpost may read users and groups.
 */
export async function registerRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  await app.register(healthRoutes(ctx));
  await app.register(flowRoutes(ctx));
  await app.register(webauthnScriptRoutes());
  await app.register(oauth2Routes(ctx));
  await app.register(webRoutes(ctx));
  await app.register(racInterfaceRoutes(ctx));
  await app.register(
    async (api) => {
      await api.register(rootRoutes(ctx));
      await api.register(schemaRoutes(ctx));
      // Authenticated by the flow attempt's own state (and, for outposts, their token header).
      await api.register(flowExecutorRoutes(ctx));
      await api.register(async (signedIn) => {
        signedIn.addHook('onRequest', async (request) => {
          request.principal = await authenticateApiRequest(ctx, request);
        });
        await signedIn.register(userSelfRoutes(ctx));
        await signedIn.register(applicationListRoutes(ctx));
      });
      await api.register(async (person) => {
        // MFA devices and remote desktops are people's: a service account (an outpost's above all) signs in
        // with a token, never through a flow, so it owns no device and opens no endpoint; its token has no
        // business with these routes.
        person.addHook('onRequest', async (request) => {
          const principal = await authenticateApiRequest(ctx, request);
          if (principal.user.type === 'service_account' || principal.user.type === 'internal_service_account')
            throw new ApiError('permission_denied');
          request.principal = principal;
        });
        recordModelEvents(ctx, person);
        await person.register(authenticatorRoutes(ctx, 'user'));
        await person.register(networkPasswordRoutes(ctx));
        // The RAC endpoints the caller may open (a superuser may ask for all of them).
        await person.register(racEndpointListRoutes(ctx));
      });
      await api.register(async (endUser) => {
        // Called by an outpost with the end user's login session (the cookie the flow executor set).
        endUser.addHook('onRequest', async (request) => {
          const principal = await authenticateApiRequest(ctx, request);
          if (principal.via !== 'session') throw new ApiError('permission_denied');
          request.principal = principal;
        });
        await endUser.register(outpostAccessCheckRoutes(ctx));
      });
      await api.register(async (outpost) => {
        outpost.addHook('onRequest', async (request) => {
          await authenticateSuperuserOrOutpost(ctx, request);
        });
        await outpost.register(outpostReadRoutes(ctx));
        await outpost.register(outpostConfigRoutes(ctx));
        await outpost.register(eventRoutes(ctx));
        // An outpost reads its own providers' configuration; a superuser any outpost's (?outpost=).
        const fromQuery = outpostFromQuery(ctx);
        await outpost.register(
          outpostProxyRoutes(ctx, async (request) => outpostOfPrincipal(request)?.uuid ?? fromQuery(request)),
        );
        await outpost.register(certificateKeypairReadRoutes(ctx));
        await outpost.register(outpostRadiusEapRoutes(ctx));
      });
      await api.register(async (admin) => {
        admin.addHook('onRequest', async (request) => {
          const principal = await authenticateApiRequest(ctx, request);
          // An LDAP outpost reads users and groups (its directory), read-only; everything else is superusers'.
          if (!(await isLdapDirectoryRead(ctx, principal, request))) assertSuperuser(principal);
          request.principal = principal;
        });
        recordModelEvents(ctx, admin);
        await admin.register(userRoutes(ctx));
        await admin.register(groupRoutes(ctx));
        await admin.register(tokenRoutes(ctx));
        await admin.register(applicationRoutes(ctx));
        await admin.register(policyBindingRoutes(ctx));
        await admin.register(oauth2ProviderRoutes(ctx));
        await admin.register(proxyProviderRoutes(ctx));
        await admin.register(ldapProviderRoutes(ctx));
        await admin.register(radiusProviderRoutes(ctx));
        await admin.register(radiusPropertyMappingRoutes(ctx));
        await admin.register(racProviderRoutes(ctx));
        await admin.register(racEndpointRoutes(ctx));
        await admin.register(racPropertyMappingRoutes(ctx));
        await admin.register(racConnectionTokenRoutes(ctx));
        await admin.register(allProvidersRoutes(ctx));
        await admin.register(flowInstanceRoutes(ctx));
        await admin.register(flowBindingRoutes(ctx));
        await admin.register(stageRoutes(ctx));
        await admin.register(scopeMappingRoutes());
        await admin.register(certificateKeypairRoutes(ctx));
        await admin.register(outpostAdminRoutes(ctx));
        await admin.register(kubernetesConnectionRoutes(ctx));
        await admin.register(serviceConnectionRoutes(ctx));
        await admin.register(taskRoutes(ctx));
        await admin.register(eventListRoutes(ctx));
        await admin.register(dockerConnectionRoutes(ctx));
        await admin.register(rotationRoutes(ctx));
        await admin.register(authenticatorRoutes(ctx, 'admin'));
      });
    },
    { prefix: '/api/v3' },
  );
}
