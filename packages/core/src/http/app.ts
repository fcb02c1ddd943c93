import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { AppContext } from '../context.ts';
import { createLogger } from '../logging.ts';
import type { OutpostHubOptions } from '../outposts/hub/hub.ts';
import { installEmbeddedOutpost } from '../outposts/embedded-runtime.ts';
import { installOutpostHub } from '../outposts/hub/install.ts';
import { installRacTransport } from '../rac/relay/install.ts';
import type { RacTransportOptions } from '../rac/relay/transport.ts';
import { installCoreMetrics } from '../metrics/install.ts';
import { installThrottleSharing } from '../flows/shared-throttle.ts';
import { registerRoutes } from '../routes/index.ts';
import { installErrorHandlers } from './error-handler.ts';
import { installJsonDepthLimit } from './json-depth.ts';
import { collectOpenApiRoutes } from './openapi.ts';
import { collectRegisteredRoutes } from './route-list.ts';
import { installValidators } from './validation.ts';

/** Largest request body the core accepts; API objects are small, and a bound keeps memory predictable. */
export const BODY_LIMIT_BYTES = 1024 * 1024;

const REQUEST_ID = /^[\w.:-]{1,128}$/;

/** Options that differ between the server and tests. */
export interface HttpAppOptions {
  /** The logger (see logging.ts); false silences logs (tests). Default: a logger at the configured level. */
  logger?: false | FastifyBaseLogger;
  /** Settings of the outpost websocket hub (tests shorten its keepalive, set its clock). */
  outpostHub?: OutpostHubOptions;
  /** Settings of the RAC transport (tests shorten its pairing timeout). */
  racTransport?: Partial<RacTransportOptions>;
}

/**
 * Builds the core's HTTP application: JSON logs with a request id on every line (echoed as X-Request-Id),
 * forwarded headers trusted only from the configured proxies, strict body validation, the contract's error
 * shapes, then the routes grouped by who may call them, the outpost websocket hub and the RAC transport.
 */
export async function buildHttpApp(ctx: AppContext, options: HttpAppOptions = {}): Promise<FastifyInstance> {
  const trusted = ctx.config.trusted_proxy_cidrs;
  const app = Fastify({
    loggerInstance:
      options.logger === false
        ? createLogger('silent')
        : (options.logger ?? createLogger(ctx.config.log_level)),
    bodyLimit: BODY_LIMIT_BYTES,
    trustProxy: trusted.length > 0 ? [...trusted] : false,
    genReqId: (req) => {
      const incoming = req.headers['x-request-id'];
      return typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
    },
    routerOptions: { ignoreTrailingSlash: false, maxParamLength: 200 },
    return503OnClosing: true,
  });
  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
  // The API speaks JSON only (flow pages add form bodies in their own scope); text/plain would otherwise
  // reach validation as a string and be reported as a type error instead of a wrong media type.
  app.removeContentTypeParser('text/plain');
  installJsonDepthLimit(app);
  installCoreMetrics(app, ctx);
  installThrottleSharing(app, ctx);
  installValidators(app);
  installErrorHandlers(app);
  collectOpenApiRoutes(app);
  collectRegisteredRoutes(app);
  // Before the routes: requests that are the embedded outpost's never reach them.
  installEmbeddedOutpost(app, ctx);
  await registerRoutes(app, ctx);
  const hub = installOutpostHub(app, ctx, options.outpostHub);
  installRacTransport(app, ctx, hub, options.racTransport);
  return app;
}
