import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type Provider from 'oidc-provider';
import { type Application, findApplicationBySlug } from '../../applications/applications-repository.ts';
import type { AppContext } from '../../context.ts';
import { findFlow } from '../../flows/flows-repository.ts';
import { html } from '../../flows/html.ts';
import { page } from '../../flows/page.ts';
import type { User } from '../../identity/users-repository.ts';
import { consentedScopes, rememberConsent } from '../../oauth2/consents-repository.ts';
import { interactionClient } from '../../oauth2/interactions.ts';
import { OAUTH2_BASE } from '../../oauth2/issuer.ts';
import { describeScope } from '../../oauth2/scope-mappings.ts';
import { findOAuth2ProviderByClientId, type OAuth2Provider } from '../../oauth2/providers-repository.ts';
import { linkGrantToSession } from '../../oauth2/session-grants.ts';
import { evaluateAccess } from '../../policies/engine.ts';
import { CSRF_FIELD, currentSession, sendPage } from '../flows/form.ts';
import { PAGE_HEADERS } from '../flows/index.ts';
import { SIGN_IN_PATH } from '../flows/sign-in.ts';
import type { IssuerCache } from './issuers.ts';

export const EXPLICIT_CONSENT_FLOW = 'default-provider-authorization-explicit-consent';

interface Pending {
  provider: OAuth2Provider;
  application: Application;
  issuer: Provider;
}

const EXPIRED = page(
  'Sign-in expired',
  html`<p>This sign-in request is unknown or has expired. Go back to the application and try again.</p>`,
);

/**
 * The authorization flow: where the authorization server sends a browser that must sign in or consent.
 * Sign-in is the core's own (its session cookie); then the application's bindings decide access; consent is
 * implicit, or asked once per application and scope set on the explicit-consent flow and remembered.
 */
export function interactionRoutes(ctx: AppContext, issuers: IssuerCache): FastifyPluginAsync {
  async function pending(request: FastifyRequest<{ Params: { uid: string } }>): Promise<Pending | undefined> {
    const clientId = await interactionClient(ctx, request.params.uid);
    const provider = clientId ? await findOAuth2ProviderByClientId(ctx.db, clientId) : undefined;
    const application = provider?.applicationSlug
      ? await findApplicationBySlug(ctx.db, provider.applicationSlug)
      : undefined;
    if (!provider || !application) return undefined;
    return { provider, application, issuer: await issuers.get(issuers.originOf(request), application.slug) };
  }

  /** Finishes the interaction: the login, or the consent (recorded as a grant tied to the core session). */
  async function finish(
    request: FastifyRequest,
    reply: FastifyReply,
    { issuer, provider }: Pending,
    user: User,
    sessionUuid: string,
  ): Promise<void> {
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
        missingResourceScopes?: Record<string, string[]>;
      };
      if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
      if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
      // A client with JWT access tokens asks for its own audience (oauth2/token-claims.ts).
      for (const [resource, scopes] of Object.entries(missing.missingResourceScopes ?? {}))
        grant.addResourceScope(resource, scopes.join(' '));
      const grantId = await grant.save();
      await linkGrantToSession(ctx.db, sessionUuid, grantId);
      result = { consent: { grantId } };
    }
    reply.hijack();
    await issuer.interactionFinished(request.raw, reply.raw, result, { mergeWithLastSubmission: true });
  }

  async function requestedScopes(
    request: FastifyRequest,
    reply: FastifyReply,
    issuer: Provider,
  ): Promise<string[]> {
    const details = await issuer.interactionDetails(request.raw, reply.raw);
    return String(details.params.scope ?? '')
      .split(' ')
      .filter((scope) => describeScope(scope) !== undefined);
  }

  return async (app) => {
    // The consent and access-denied pages are flow pages too: the same protections, never cached.
    app.addHook('onSend', async (_request, reply) => {
      reply.headers({ ...PAGE_HEADERS, 'cache-control': 'no-store' });
    });
    app.get<{ Params: { uid: string } }>(`${OAUTH2_BASE}/interaction/:uid/`, async (request, reply) => {
      const target = await pending(request);
      if (!target) return sendPage(reply, 400, EXPIRED);
      const signedIn = await currentSession(ctx, request);
      if (!signedIn) return reply.redirect(`${SIGN_IN_PATH}?next=${encodeURIComponent(request.url)}`, 302);
      const { user, session } = signedIn;
      const { application } = target;
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
      const details = await target.issuer.interactionDetails(request.raw, reply.raw);
      const flow = await findFlow(ctx.db, target.provider.authorizationFlow);
      if (details.prompt.name === 'consent' && flow?.slug === EXPLICIT_CONSENT_FLOW) {
        const scopes = await requestedScopes(request, reply, target.issuer);
        const given = new Set(await consentedScopes(ctx.db, user.id, application.uuid));
        if (!scopes.every((scope) => given.has(scope))) {
          const csrf = ctx.csrf.ensureToken(request, reply);
          return sendPage(
            reply,
            200,
            page(
              `Authorize ${application.name}`,
              html`<p><strong id="application-name">${application.name}</strong> asks to:</p>
                <ul id="scopes">
                  ${scopes.map((scope) => html`<li data-scope="${scope}">${describeScope(scope)}</li>`)}
                </ul>
                <form method="post" action="${request.url}">
                  <input type="hidden" name="${CSRF_FIELD}" value="${csrf}" />
                  <button type="submit" name="decision" value="allow">Continue</button>
                  <button type="submit" name="decision" value="deny">Cancel</button>
                </form>`,
            ),
          );
        }
      }
      return finish(request, reply, target, user, session.uuid);
    });

    app.post<{ Params: { uid: string } }>(`${OAUTH2_BASE}/interaction/:uid/`, async (request, reply) => {
      const target = await pending(request);
      if (!target) return sendPage(reply, 400, EXPIRED);
      const signedIn = await currentSession(ctx, request);
      if (!signedIn) return reply.redirect(`${SIGN_IN_PATH}?next=${encodeURIComponent(request.url)}`, 302);
      const form = new URLSearchParams(typeof request.body === 'string' ? request.body : '');
      if (!ctx.csrf.verify(request, form.get(CSRF_FIELD) ?? undefined))
        return reply.redirect(request.url, 303);
      const { user, session } = signedIn;
      const access = await evaluateAccess(
        ctx.db,
        target.application.uuid,
        target.application.policyEngineMode,
        user.id,
      );
      if (!access.passing) return reply.redirect(request.url, 303);
      if (form.get('decision') !== 'allow') {
        reply.hijack();
        await target.issuer.interactionFinished(
          request.raw,
          reply.raw,
          { error: 'access_denied', error_description: 'The user did not allow the application.' },
          { mergeWithLastSubmission: false },
        );
        return;
      }
      await rememberConsent(
        ctx.db,
        user.id,
        target.application.uuid,
        await requestedScopes(request, reply, target.issuer),
      );
      request.log.info({ user: user.username, application: target.application.slug }, 'consent given');
      return finish(request, reply, target, user, session.uuid);
    });
  };
}
