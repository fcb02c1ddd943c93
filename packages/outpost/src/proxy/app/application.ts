/** One application the outpost serves, with everything derived from its provider's configuration (spec §2.3). */
import { createHash } from 'node:crypto';
import { createStateCodec, type StateCodec } from '../session/oauth-state.ts';
import { createSessionSealer, type SessionSealer } from '../session/sealed-session.ts';
import type { CookieJarSpec } from '../session/session-cookie.ts';
import type { Logger, OutpostInfo, ProxyProviderConfig, ProxyRuntimeOptions } from '../types.ts';
import { canonicalHost } from '../url/canonical.ts';
import type { RedirectRules } from '../url/redirect-target.ts';
import { type Endpoints, rewriteEndpoints } from './endpoints.ts';
import { compileSkipPaths, type SkipPaths } from './skip-paths.ts';
import { createTokenVerifier, type TokenVerifier } from './token-verifier.ts';

/** Paths the outpost answers itself, under every application host. */
export const OUTPOST_PREFIX = '/outpost.goauthentik.io';

/** An application, ready to answer requests. */
export interface Application {
  config: ProxyProviderConfig;
  /** Canonical `URL(external_host).host`: the routing key. */
  host: string;
  external: URL;
  /** cookie_domain without a leading dot ('' when the cookie is host-only). */
  cookieDomain: string;
  jar: CookieJarSpec;
  endpoints: Endpoints;
  /** `<external_host>/outpost.goauthentik.io/callback?X-authentik-auth-callback=true`. */
  redirectUri: string;
  redirectRules: RedirectRules;
  skipPaths: SkipPaths;
  verifier: TokenVerifier;
  sealer: SessionSealer;
  states: StateCodec;
  log: Logger;
}

/** `authentik_proxy_` + the first 8 hex digits of SHA-256(client_id). */
export const cookieNameFor = (clientId: string): string =>
  `authentik_proxy_${createHash('sha256').update(clientId).digest('hex').slice(0, 8)}`;

/** external_host joined with a path (external_host may carry a subpath, spec §6.2). */
export function externalUrl(app: Application, path: string): string {
  const base = app.external.pathname.replace(/\/+$/, '');
  return `${app.external.origin}${base}${path}`;
}

function parseUrl(value: string | undefined): URL | undefined {
  if (!value) return undefined;
  try {
    return new URL(value);
  } catch {
    return undefined;
  }
}

/** Builds an application; undefined (logged) when external_host cannot be parsed. */
export function buildApplication(
  config: ProxyProviderConfig,
  outpost: OutpostInfo,
  options: ProxyRuntimeOptions,
  now: () => number,
): Application | undefined {
  const log = options.log;
  const external = parseUrl(config.external_host);
  const host = external && canonicalHost(external.host);
  if (!external || !host || (external.protocol !== 'http:' && external.protocol !== 'https:')) {
    log.warn({ provider: config.name, reason: 'unparsable external_host' }, 'provider skipped');
    return undefined;
  }
  const endpoints = rewriteEndpoints(config.oidc_configuration, {
    embedded: options.embedded,
    hostBrowser: options.hostBrowser,
    authentikHost: parseUrl(outpost.config.authentik_host),
  });
  const cookieName = cookieNameFor(config.client_id);
  const cookieDomain = config.cookie_domain.trim().replace(/^\./, '').toLowerCase();
  const app: Application = {
    config,
    host,
    external,
    cookieDomain,
    jar: {
      name: cookieName,
      attributes: {
        domain: config.cookie_domain.trim() || undefined,
        isSecure: external.protocol === 'https:',
      },
    },
    endpoints,
    redirectUri: '',
    redirectRules: { mode: config.mode, external, cookieDomain: config.cookie_domain.trim() },
    skipPaths: compileSkipPaths(config.skip_path_regex, config.mode, log, config.name),
    verifier: createTokenVerifier(config, endpoints, options.coreFetch, now),
    sealer: createSessionSealer(config.cookie_secret, config.client_id, cookieName),
    states: createStateCodec(config.cookie_secret, config.client_id, now),
    log,
  };
  app.redirectUri = `${externalUrl(app, `${OUTPOST_PREFIX}/callback`)}?X-authentik-auth-callback=true`;
  if (app.verifier.algorithms.length === 0)
    log.error(
      {
        provider: config.name,
        reason: 'no supported token signing algorithm',
        advertised: config.oidc_configuration.id_token_signing_alg_values_supported,
      },
      'every sign-in to this provider will be refused',
    );
  if (config.mode === 'forward_domain' && cookieDomain === '')
    log.warn(
      { provider: config.name, reason: 'forward_domain without cookie_domain' },
      'domain mode needs a cookie domain',
    );
  return app;
}
