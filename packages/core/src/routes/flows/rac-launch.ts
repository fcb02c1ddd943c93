import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { type Application, findApplicationBySlug } from '../../applications/applications-repository.ts';
import type { AppContext } from '../../context.ts';
import { currentChallenge, type FlowStep, solveChallenge } from '../../flows/engine/executor.ts';
import { findFlow } from '../../flows/flows-repository.ts';
import { html } from '../../flows/html.ts';
import { page } from '../../flows/page.ts';
import { delegatedClient } from '../../http/delegated-client.ts';
import type { Session } from '../../identity/sessions-repository.ts';
import type { User } from '../../identity/users-repository.ts';
import { findRacEndpoint, type RacEndpoint } from '../../rac/endpoints-repository.ts';
import { authorizeConnection } from '../../rac/final-stage.ts';
import { findRacProvider, type RacProvider } from '../../rac/providers-repository.ts';
import { flowRequest } from './flow-http.ts';
import { sendFlowStep } from './flow-page.ts';
import { admittedUser } from './application-access.ts';
import { formCsrfValid, sendPage } from './form.ts';

type Request = FastifyRequest<{ Params: { app: string; endpoint: string } }>;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const NOT_FOUND = page('Not found', html`<p>There is no such remote endpoint.</p>`);

interface Launch {
  application: Application;
  provider: RacProvider;
  endpoint: RacEndpoint;
  user: User;
  session: Session;
  path: string;
}

/** The application, its RAC provider and the endpoint the URL names, if they belong together. */
async function resolve(ctx: AppContext, request: Request) {
  const { app, endpoint: endpointUuid } = request.params;
  if (app.length > 50 || !UUID.test(endpointUuid)) return undefined;
  const application = await findApplicationBySlug(ctx.db, app);
  const endpoint = await findRacEndpoint(ctx.db, endpointUuid);
  if (!application || !endpoint || application.providerId !== endpoint.providerId) return undefined;
  const provider = await findRacProvider(ctx.db, endpoint.providerId);
  return provider && { application, endpoint, provider };
}

function deniedPage(reply: FastifyReply, messages: string[]): FastifyReply {
  return sendPage(
    reply,
    403,
    page('Access denied', html`${messages.map((m) => html`<p class="access-denied">${m}</p>`)}`),
  );
}

/**
 * Launching an RAC endpoint, /application/rac/<app>/<endpoint>/ (spec §3.3, 1): a signed-in user who may use
 * the application runs the provider's authorization flow here, on the flow engine with its stages as forms
 * posting back to this URL; when the flow completes, instead of its redirect the final stage runs (endpoint
 * policies, connection limit, a new connection token) and the browser goes to /if/rac/<token>/.
 */
export function racLaunchRoutes(ctx: AppContext): FastifyPluginAsync {
  async function prepare(request: Request, reply: FastifyReply): Promise<Launch | FastifyReply> {
    const target = await resolve(ctx, request);
    if (!target) return sendPage(reply, 404, NOT_FOUND);
    const { application } = target;
    const signedIn = await admittedUser(ctx, request, reply, application, {
      what: 'rac launch',
      send: (r) => deniedPage(r, [`You are not allowed to use ${application.name}.`]),
    });
    if (!('user' in signedIn)) return signedIn;
    const path = `/application/rac/${application.slug}/${target.endpoint.uuid}/`;
    return { ...target, ...signedIn, path };
  }

  /** Ends a flow step: a completed flow runs the final stage; anything else is the flow's own page. */
  async function finish(request: Request, reply: FastifyReply, launch: Launch, step: FlowStep) {
    if (!(step.ended && step.challenge.component === 'xak-flow-redirect'))
      return sendFlowStep(ctx, request, reply, step, { action: launch.path, title: launch.endpoint.name });
    const client = await delegatedClient(ctx, request);
    const result = await authorizeConnection(ctx, { ...launch, clientAddress: client.address, settings: {} });
    if (!result.ok) {
      request.log.info(
        { user: launch.user.username, endpoint: launch.endpoint.uuid, reason: result.messages.join(' ') },
        'rac launch refused',
      );
      return deniedPage(reply, result.messages);
    }
    request.log.info(
      { user: launch.user.username, endpoint: launch.endpoint.uuid },
      'rac connection authorized',
    );
    return reply.redirect(`/if/rac/${result.token}/`, 302);
  }

  /** The launch and its flow attempt, or the reply already sent (not found, sign in, denied). */
  async function start(request: Request, reply: FastifyReply) {
    const launch = await prepare(request, reply);
    if (!('path' in launch)) return { reply: launch };
    const flow = await findFlow(ctx.db, launch.provider.authorizationFlow);
    if (!flow) return { reply: sendPage(reply, 404, NOT_FOUND) };
    const query = new URLSearchParams({ next: launch.path });
    return { launch, run: await flowRequest(ctx, request, reply, flow, query, { outpostCookie: false }) };
  }

  return async (app) => {
    app.get<{ Params: { app: string; endpoint: string } }>(
      '/application/rac/:app/:endpoint/',
      async (request, reply) => {
        const started = await start(request, reply);
        if (!started.launch) return started.reply;
        return finish(request, reply, started.launch, await currentChallenge(started.run));
      },
    );

    app.post<{ Params: { app: string; endpoint: string } }>(
      '/application/rac/:app/:endpoint/',
      async (request, reply) => {
        const started = await start(request, reply);
        if (!started.launch) return started.reply;
        const { launch, run } = started;
        const shown = await currentChallenge(run);
        if (!formCsrfValid(ctx, request)) {
          request.log.info({ reason: 'csrf', endpoint: launch.endpoint.uuid }, 'rac launch form rejected');
          return sendFlowStep(ctx, request, reply, shown, {
            action: launch.path,
            title: launch.endpoint.name,
            error: 'Your session expired. Please try again.',
            status: 403,
          });
        }
        const view = shown.stageKind?.html;
        if (shown.ended || !view) return finish(request, reply, launch, shown);
        const fields = (request.body ?? {}) as Record<string, string>;
        return finish(request, reply, launch, await solveChallenge(run, view.response(fields)));
      },
    );
  };
}
