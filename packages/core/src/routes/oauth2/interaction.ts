import type { FastifyPluginAsync } from 'fastify';
import { findApplicationBySlug } from '../../applications/applications-repository.ts';
import type { AppContext } from '../../context.ts';
import { html } from '../../flows/html.ts';
import { page } from '../../flows/page.ts';
import { OAUTH2_BASE } from '../../oauth2/issuer.ts';
import { findOAuth2ProviderByClientId } from '../../oauth2/providers-repository.ts';
import { evaluateAccess } from '../../policies/engine.ts';
import { currentUser, sendPage } from '../flows/form.ts';
import { SIGN_IN_PATH } from '../flows/sign-in.ts';
import { interactionClient } from '../../oauth2/interactions.ts';
import type { IssuerCache } from './issuers.ts';

/**
 * The authorization flow: where the authorization server sends a browser that must sign in or consent.
 * Sign-in is the core's own (its session cookie); then the application's bindings decide access; consent is
 * implicit (the default-provider-authorization-implicit-consent flow).
 */
export function interactionRoutes(ctx: AppContext, issuers: IssuerCache): FastifyPluginAsync {
  return async (app) => {
    app.get<{ Params: { uid: string } }>(`${OAUTH2_BASE}/interaction/:uid/`, async (request, reply) => {
      const clientId = await interactionClient(ctx, request.params.uid);
      const provider = clientId ? await findOAuth2ProviderByClientId(ctx.db, clientId) : undefined;
      const application = provider?.applicationSlug
        ? await findApplicationBySlug(ctx.db, provider.applicationSlug)
        : undefined;
      if (!provider || !application) {
        return sendPage(
          reply,
          400,
          page(
            'Sign-in expired',
            html`<p>
              This sign-in request is unknown or has expired. Go back to the application and try again.
            </p>`,
          ),
        );
      }
      const user = await currentUser(ctx, request);
      if (!user) {
        return reply.redirect(`${SIGN_IN_PATH}?next=${encodeURIComponent(request.url)}`, 302);
      }
      const access = await evaluateAccess(ctx.db, application.uuid, application.policyEngineMode, user.id);
      if (!access.passing) {
        request.log.info({ user: user.username, application: application.slug }, 'application access denied');
        return sendPage(
          reply,
          403,
          page(
            'Access denied',
            html`<p id="access-denied">You are not allowed to use <strong>${application.name}</strong>.</p>
              <p><a href="/">Back</a></p>`,
          ),
        );
      }
      const issuer = await issuers.get(issuers.originOf(request), application.slug);
      const details = await issuer.interactionDetails(request.raw, reply.raw);
      let result: Record<string, unknown>;
      if (details.prompt.name === 'login') {
        result = { login: { accountId: String(user.id) } };
      } else {
        const grant = details.grantId
          ? await issuer.Grant.find(details.grantId)
          : new issuer.Grant({ accountId: String(user.id), clientId: provider.clientId });
        if (!grant) throw new Error('grant vanished');
        const missing = details.prompt.details as {
          missingOIDCScope?: string[];
          missingOIDCClaims?: string[];
        };
        if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
        if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
        result = { consent: { grantId: await grant.save() } };
      }
      reply.hijack();
      await issuer.interactionFinished(request.raw, reply.raw, result, { mergeWithLastSubmission: true });
    });
  };
}
