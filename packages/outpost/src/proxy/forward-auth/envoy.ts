/**
 * Envoy HTTP `ext_authz` (Istio CUSTOM, Envoy Gateway) with `pathPrefix: /outpost.goauthentik.io/auth/envoy`:
 * the original path (and query) follows the prefix, the original host is Host (original-request.ts). Envoy
 * allows on 200 only and relays anything else, so sign-in is a 302 like Traefik's.
 */
import type { IncomingMessage } from 'node:http';
import type { Application } from '../app/application.ts';
import type { RuntimeContext } from '../context.ts';
import type { Reply } from '../http/reply.ts';
import { configurationError, conflictReply } from './common.ts';
import { originalRequestOf } from './original-request.ts';
import { decideOrStart } from './traefik.ts';

/** Answers `/outpost.goauthentik.io/auth/envoy<original path>`. */
export async function envoyAuth(app: Application, ctx: RuntimeContext, req: IncomingMessage): Promise<Reply> {
  // Read again with the application's scheme (routing read it before the application was known).
  const original = originalRequestOf(req, 'Envoy', app.external.protocol === 'https:' ? 'https' : 'http');
  if (!original.url) return configurationError(app, ctx, req, 'Envoy', original.raw);
  if (original.conflict) return conflictReply(app, ctx, 'Envoy', original.conflict);
  return decideOrStart(app, ctx, req, original.url, original.raw);
}
