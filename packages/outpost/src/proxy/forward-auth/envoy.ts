/**
 * Envoy HTTP `ext_authz` (Istio CUSTOM, Envoy Gateway) with `pathPrefix: /outpost.goauthentik.io/auth/envoy`:
 * the original path (and query) follows the prefix, the original host is Host. Envoy allows on 200 only and
 * relays anything else, so sign-in is a 302 like Traefik's.
 */
import type { IncomingMessage } from 'node:http';
import { type Application, OUTPOST_PREFIX } from '../app/application.ts';
import type { RuntimeContext } from '../context.ts';
import { firstHeader } from '../http/request-info.ts';
import type { Reply } from '../http/reply.ts';
import { canonicalUrl } from '../url/canonical.ts';
import { configurationError } from './common.ts';
import { decideOrStart } from './traefik.ts';

/** The path prefix of the Envoy endpoint. */
export const ENVOY_PREFIX = `${OUTPOST_PREFIX}/auth/envoy`;

/** Answers `/outpost.goauthentik.io/auth/envoy<original path>`. */
export async function envoyAuth(app: Application, ctx: RuntimeContext, req: IncomingMessage): Promise<Reply> {
  const rest = (req.url ?? '').slice(ENVOY_PREFIX.length);
  const path = rest === '' || rest.startsWith('?') ? `/${rest}` : rest;
  const proto = firstHeader(req, 'x-forwarded-proto')?.toLowerCase();
  const scheme = proto === 'https' || proto === 'http' ? proto : app.external.protocol.slice(0, -1);
  const raw = path.startsWith('/') ? `${scheme}://${req.headers.host ?? ''}${path}` : '';
  const url = canonicalUrl(raw);
  if (!url) return configurationError(app, ctx, req, 'Envoy', raw);
  return decideOrStart(app, ctx, req, url, raw);
}
