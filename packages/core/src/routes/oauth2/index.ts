import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../context.ts';
import { queryOne } from '../../db/database.ts';
import { OAUTH2_BASE } from '../../oauth2/issuer.ts';
import { interactionClient } from '../../oauth2/interactions.ts';
import { serviceAccountGrant } from '../../oauth2/service-account-grant.ts';
import { findOAuth2ProviderByClientId, findOAuth2ProviderBySlug } from '../../oauth2/providers-repository.ts';
import { createIssuerCache, type IssuerCache } from './issuers.ts';
import { interactionRoutes } from './interaction.ts';
import { unknownScopeRedirect } from './unknown-scopes.ts';

const SHARED_ENDPOINTS = new Set(['authorize', 'token', 'userinfo', 'introspect', 'revoke']);

/**
 * The OAuth2 / OpenID Connect endpoints under /application/o/. The layout is the reference's: one issuer per
 * application, shared endpoints for all of them. Each request is routed to its application's authorization
 * server by what names the client (path slug, client_id, interaction, or access token), then handed to it.
 */
export function oauth2Routes(ctx: AppContext): FastifyPluginAsync {
  const issuers = createIssuerCache(ctx);
  return async (app) => {
    // oidc-provider parses its own bodies; give it the text (it accepts a pre-read body as a string).
    app.removeAllContentTypeParsers();
    for (const type of ['application/x-www-form-urlencoded', 'application/json']) {
      app.addContentTypeParser(type, { parseAs: 'string', bodyLimit: 64 * 1024 }, (_request, body, done) =>
        done(null, body),
      );
    }
    app.addContentTypeParser('*', (_request, _payload, done) => done(null, undefined));

    await app.register(interactionRoutes(ctx, issuers));

    app.all(`${OAUTH2_BASE}/*`, async (request, reply) => {
      const target = await route(ctx, request);
      if (!target) return reply.code(404).type('application/json').send({ error: 'not_found' });
      const form = typeof request.body === 'string' ? new URLSearchParams(request.body) : undefined;
      if (
        request.method === 'POST' &&
        target.path.startsWith('/token/') &&
        form?.get('grant_type') === 'client_credentials' &&
        form.has('username')
      ) {
        const provider = await findOAuth2ProviderBySlug(ctx.db, target.slug);
        if (!provider) return reply.code(404).type('application/json').send({ error: 'not_found' });
        const issuer = await issuers.get(issuers.originOf(request), target.slug);
        const answer = await serviceAccountGrant(ctx, issuer, provider, form, request.ip);
        return reply.code(answer.status).header('cache-control', 'no-store').send(answer.body);
      }
      if (target.path.startsWith('/authorize/?') || target.path === '/authorize/') {
        const params = new URLSearchParams(
          request.method === 'POST' && form ? form : (target.path.split('?')[1] ?? ''),
        );
        const issuer = await issuers.get(issuers.originOf(request), target.slug);
        const redirect = await unknownScopeRedirect(issuer, params);
        if (redirect) return reply.redirect(redirect, 303);
      }
      return handOver(issuers, request, reply, target.slug, target.path);
    });
  };
}

/** Which application's server handles a request, and the path it sees (relative to /application/o). */
async function route(
  ctx: AppContext,
  request: FastifyRequest,
): Promise<{ slug: string; path: string } | undefined> {
  const url = new URL(request.url, 'http://palisade.invalid');
  const rest = url.pathname.slice(OAUTH2_BASE.length);
  const segments = rest.split('/').filter(Boolean);
  const first = segments[0];
  if (!first) return undefined;
  if (SHARED_ENDPOINTS.has(first)) {
    const slug = await slugForSharedEndpoint(ctx, request, first, url, segments);
    return slug ? { slug, path: rest + url.search } : undefined;
  }
  // Per-application: /<slug>/.well-known/openid-configuration, /<slug>/jwks/, /<slug>/end-session/, only
  // for an application that has an OAuth2 provider.
  if (!(await findOAuth2ProviderBySlug(ctx.db, first))) return undefined;
  const suffix = segments.slice(1).join('/');
  if (suffix === '.well-known/openid-configuration')
    return { slug: first, path: `/.well-known/openid-configuration${url.search}` };
  if (suffix === 'jwks' || suffix === 'end-session' || suffix.startsWith('end-session/'))
    return { slug: first, path: rest + url.search };
  return undefined;
}

async function slugForSharedEndpoint(
  ctx: AppContext,
  request: FastifyRequest,
  endpoint: string,
  url: URL,
  segments: string[],
): Promise<string | undefined> {
  const body = typeof request.body === 'string' ? new URLSearchParams(request.body) : undefined;
  let clientId: string | null | undefined;
  if (endpoint === 'authorize') {
    // The resume step after an interaction is /authorize//<uid>: the interaction knows its client.
    const uid = segments[1];
    clientId = uid
      ? await interactionClient(ctx, uid)
      : (url.searchParams.get('client_id') ?? body?.get('client_id'));
  } else if (endpoint === 'userinfo') {
    const bearer = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '')?.[1];
    const token = bearer ?? body?.get('access_token') ?? url.searchParams.get('access_token');
    if (token) {
      const row = await queryOne<{ client: string }>(
        ctx.db,
        "SELECT payload->>'clientId' AS client FROM oidc_models WHERE model = 'AccessToken' AND id = $1",
        [token],
      );
      clientId = row?.client;
    }
  } else {
    clientId = basicClientId(request.headers.authorization) ?? body?.get('client_id');
  }
  if (!clientId) return undefined;
  return (await findOAuth2ProviderByClientId(ctx.db, clientId))?.applicationSlug ?? undefined;
}

function basicClientId(authorization: string | undefined): string | undefined {
  const encoded = /^Basic\s+(\S+)$/i.exec(authorization ?? '')?.[1];
  if (!encoded) return undefined;
  const decoded = Buffer.from(encoded, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  try {
    return decodeURIComponent(decoded.slice(0, colon).replace(/\+/g, ' '));
  } catch {
    return undefined;
  }
}

/**
 * Lets the application's oidc-provider answer the request. Forwarded headers are rewritten to the origin
 * the issuer is named after (publicOrigin: external_url when set, else what the core trusts of the request),
 * so the endpoint URLs oidc-provider derives agree with the issuer and can't be spoofed by Host.
 */
export async function handOver(
  issuers: IssuerCache,
  request: FastifyRequest,
  reply: FastifyReply,
  slug: string,
  path: string,
): Promise<void> {
  const origin = issuers.originOf(request);
  const issuer = await issuers.get(origin, slug);
  const raw = request.raw as typeof request.raw & { originalUrl?: string; body?: unknown };
  for (const name of Object.keys(raw.headers)) if (name.startsWith('x-forwarded-')) delete raw.headers[name];
  const { protocol, host } = new URL(origin);
  raw.headers['x-forwarded-proto'] = protocol.slice(0, -1);
  raw.headers['x-forwarded-host'] = host;
  raw.url = path;
  raw.originalUrl = `${OAUTH2_BASE}${path}`;
  if (request.body !== undefined) raw.body = request.body;
  reply.hijack();
  await issuer.callback()(raw, reply.raw);
}
