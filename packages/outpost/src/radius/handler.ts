/**
 * The RADIUS type's request handler: an Access-Request carrying EAP-Message goes to EAP (eap/handler.ts),
 * any other to PAP (pap.ts); the request's duration is recorded either way.
 */
import { ATTR } from './attributes.ts';
import type { RadiusMetrics } from './metrics.ts';
import type { RequestHandler } from './types.ts';

/** Routes each request to `eap` or `pap`. */
export function routeRequests(options: {
  pap: RequestHandler;
  eap: RequestHandler;
  metrics: RadiusMetrics;
}): RequestHandler {
  return async (request) => {
    const started = process.hrtime.bigint();
    try {
      const isEap = request.packet.attributes.some((a) => a.type === ATTR.EapMessage);
      return await (isEap ? options.eap : options.pap)(request);
    } finally {
      options.metrics.request(request.provider.appSlug, Number(process.hrtime.bigint() - started) / 1e9);
    }
  };
}
