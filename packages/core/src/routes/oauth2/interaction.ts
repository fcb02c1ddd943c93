import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type Provider from 'oidc-provider';
import { type Application, findApplicationBySlug } from '../../applications/applications-repository.ts';
import type { AppContext } from '../../context.ts';
import {
  currentChallenge,
  type FlowRequest,
  type FlowStep,
  solveChallenge,
} from '../../flows/engine/executor.ts';
import { recordEvent } from '../../events/audit.ts';
import { findFlow } from '../../flows/flows-repository.ts';
import { html } from '../../flows/html.ts';
import { page } from '../../flows/page.ts';
import type { User } from '../../identity/users-repository.ts';
import { interactionClient } from '../../oauth2/interactions.ts';
import { OAUTH2_BASE } from '../../oauth2/issuer.ts';
import { findOAuth2ProviderByClientId, type OAuth2Provider } from '../../oauth2/providers-repository.ts';
import { linkGrantToSession } from '../../oauth2/session-grants.ts';
import { DECISION_FIELD } from '../flows/flow-page.ts';
import { admittedUser } from '../flows/application-access.ts';
import { CSRF_FIELD, sendPage } from '../flows/form.ts';
import { PAGE_HEADERS } from '../flows/index.ts';
import { authorizationFlowRequest, sendAuthorizationStep } from './authorization-flow.ts';
import type { IssuerCache } from './issuers.ts';

interface Pending {
  provider: OAuth2Provider;
  application: Application;
  issuer: Provider;
}

const NO_FLOW = page(
  'Not available',
  html`<p id="access-denied">This application's authorization flow is missing. Ask an administrator.</p>`,
);

const EXPIRED = page(
  'Sign-in expired',
  html`<p>This sign-in request is unknown or has expired. Go back to the application and try again.</p>`,
);

/**
 * The interaction: where the authorization server sends a browser that must sign in or consent. Sign-in is
 * the core's own (its session cookie); then the application's bindings decide access; then the provider's
 * authorization flow runs on the flow engine (authorization-flow.ts). Its stages are the admin's data: the
 * implicit-consent flow has none, the explicit one a consent stage that asks once per application and scope
 * and remembers. Cancel turns the request down: the client gets `access_denied`.
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
    { issuer, provider, application }: Pending,
    user: User,
    sessionUuid: string,
    flowSlug?: string,
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
      await recordEvent(ctx, request.log, {
        action: 'authorize_application',
        clientIp: request.ip,
        user,
        context: {
          authorized_application: {
            app: 'authentik_core',
            model_name: 'application',
            pk: application.uuid,
            name: application.name,
            slug: application.slug,
          },
          scopes: String(details.params.scope ?? ''),
          flow: flowSlug,
        },
      });
    }
    reply.hijack();
    await issuer.interactionFinished(request.raw, reply.raw, result, { mergeWithLastSubmission: true });
  }

  /** Answers an authorization-flow step: its end finishes the interaction, anything else is its page. */
  async function answer(
    request: FastifyRequest,
    reply: FastifyReply,
    target: Pending,
    signedIn: { user: User; session: { uuid: string } },
    run: FlowRequest,
    step: FlowStep,
  ): Promise<unknown> {
    if (step.challenge.component === 'xak-flow-redirect') {
      request.log.info(
        { user: signedIn.user.username, application: target.application.slug },
        'authorization flow passed',
      );
      return finish(request, reply, target, signedIn.user, signedIn.session.uuid, run.flow.slug);
    }
    return sendAuthorizationStep(ctx, request, reply, step, target.application);
  }

  /** The provider's authorization flow for this interaction, when it is the consent prompt's turn. */
  async function consentRun(
    request: FastifyRequest<{ Params: { uid: string } }>,
    reply: FastifyReply,
    target: Pending,
  ) {
    const details = await target.issuer.interactionDetails(request.raw, reply.raw);
    if (details.prompt.name !== 'consent') return 'finish';
    const flow = await findFlow(ctx.db, target.provider.authorizationFlow);
    if (!flow) return 'no-flow';
    return authorizationFlowRequest(ctx, request, reply, {
      flow,
      application: target.application,
      interaction: request.params.uid,
      scope: details.params.scope,
    });
  }

  /** The signed-in user the application admits, or the reply already sent (sign in first, or denied). */
  function admitted(request: FastifyRequest, reply: FastifyReply, target: Pending) {
    const { application } = target;
    return admittedUser(ctx, request, reply, application, {
      what: 'application access',
      send: (r) =>
        sendPage(
          r,
          403,
          page(
            'Access denied',
            html`<p id="access-denied">You are not allowed to use <strong>${application.name}</strong>.</p>
              <p><a href="/">Back</a></p>`,
          ),
        ),
    });
  }

  return async (app) => {
    // The consent and access-denied pages are flow pages too: the same protections, never cached.
    app.addHook('onSend', async (_request, reply) => {
      reply.headers({ ...PAGE_HEADERS, 'cache-control': 'no-store' });
    });
    app.get<{ Params: { uid: string } }>(`${OAUTH2_BASE}/interaction/:uid/`, async (request, reply) => {
      const target = await pending(request);
      if (!target) return sendPage(reply, 400, EXPIRED);
      const signedIn = await admitted(request, reply, target);
      if (!('user' in signedIn)) return signedIn;
      const run = await consentRun(request, reply, target);
      if (run === 'no-flow') return sendPage(reply, 403, NO_FLOW);
      if (run === 'finish') return finish(request, reply, target, signedIn.user, signedIn.session.uuid);
      return answer(request, reply, target, signedIn, run, await currentChallenge(run));
    });

    app.post<{ Params: { uid: string } }>(`${OAUTH2_BASE}/interaction/:uid/`, async (request, reply) => {
      const target = await pending(request);
      if (!target) return sendPage(reply, 400, EXPIRED);
      const form = new URLSearchParams(typeof request.body === 'string' ? request.body : '');
      if (!ctx.csrf.verify(request, form.get(CSRF_FIELD) ?? undefined))
        return reply.redirect(request.url, 303);
      const signedIn = await admitted(request, reply, target);
      if (!('user' in signedIn)) return signedIn;
      if (form.get(DECISION_FIELD) === 'deny') {
        request.log.info(
          { user: signedIn.user.username, application: target.application.slug },
          'consent refused',
        );
        reply.hijack();
        await target.issuer.interactionFinished(
          request.raw,
          reply.raw,
          { error: 'access_denied', error_description: 'The user did not allow the application.' },
          { mergeWithLastSubmission: false },
        );
        return;
      }
      const run = await consentRun(request, reply, target);
      if (run === 'no-flow') return sendPage(reply, 403, NO_FLOW);
      if (run === 'finish') return finish(request, reply, target, signedIn.user, signedIn.session.uuid);
      const shown = await currentChallenge(run);
      const view = shown.stageKind?.html;
      if (shown.ended || !view) return answer(request, reply, target, signedIn, run, shown);
      const step = await solveChallenge(run, view.response(Object.fromEntries(form)));
      return answer(request, reply, target, signedIn, run, step);
    });
  };
}
