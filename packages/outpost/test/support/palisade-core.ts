/**
 * A real Palisade core started in-process, with what a proxy provider needs: users, an OAuth2 provider set up
 * the way the core sets up proxy providers (confidential, HS256 with the client secret, JWT access tokens, the
 * two regex redirect URIs), its application, and the ProxyProviderConfig an outpost would receive.
 */
import { insertApplication } from '@palisade/core/applications/applications-repository';
import { loadConfig } from '@palisade/core/config/load';
import { insertGroup } from '@palisade/core/identity/groups-repository';
import { hashPassword } from '@palisade/core/identity/passwords';
import { insertToken } from '@palisade/core/identity/tokens-repository';
import { insertUser, type User } from '@palisade/core/identity/users-repository';
import { insertOAuth2Provider } from '@palisade/core/oauth2/providers-repository';
import { type RunningServer, startServer } from '@palisade/core/server';
import type { OidcConfiguration, ProxyProviderConfig } from '../../src/proxy/types.ts';

/** A started core and its origin. */
export interface TestCore {
  server: RunningServer;
  origin: string;
  close(): Promise<void>;
}

/** Starts a core on 127.0.0.1 with an in-memory database. */
export async function startCore(): Promise<TestCore> {
  const server = await startServer(
    loadConfig({
      env: {
        PALISADE_DATA_DIR: 'memory://',
        PALISADE_SECRET_KEY: 'outpost-test-secret-key-0123456789abcdefghijklmnop',
        PALISADE_LOG_LEVEL: 'silent',
        PALISADE_LISTEN__HTTP: '127.0.0.1:0',
        PALISADE_LISTEN__METRICS: '',
      },
    }),
  );
  const address = server.app.server.address();
  const origin = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  return { server, origin, close: () => server.close() };
}

/** Creates a user with a password, optionally in groups (created on the fly) and with attributes. */
export async function createUser(
  core: TestCore,
  fields: {
    username: string;
    password: string;
    email?: string;
    name?: string;
    attributes?: Record<string, unknown>;
    groups?: string[];
  },
): Promise<User> {
  const { db } = core.server.ctx;
  const user = await insertUser(db, {
    username: fields.username,
    email: fields.email ?? `${fields.username}@example.com`,
    name: fields.name ?? fields.username,
    attributes: fields.attributes ?? {},
    passwordHash: await hashPassword(fields.password),
  });
  for (const group of fields.groups ?? []) await insertGroup(db, { name: group, memberIds: [user.id] });
  return user;
}

/** Creates an app-password token for a user (for Basic header sign-in). */
export async function createAppPassword(core: TestCore, user: User, key: string): Promise<void> {
  await insertToken(core.server.ctx.db, core.server.ctx.box, {
    identifier: `app-password-${user.username}-${key.slice(0, 6)}`,
    intent: 'app_password',
    userId: user.id,
    key,
    expiring: false,
  });
}

const escapeRegex = (text: string): string => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

/** What a test proxy provider looks like. */
export interface ProxyProviderFields {
  slug: string;
  externalHost: string;
  mode: ProxyProviderConfig['mode'];
  cookieDomain?: string;
  skipPathRegex?: string;
  basicAuth?: { user: string; password: string };
  interceptHeaderAuth?: boolean;
  accessTokenValidity?: number;
  /** A certificate-key pair's uuid: tokens are then signed with it (the outpost verifies them by the JWKS). */
  signingKey?: string;
}

/** Creates the OAuth2 side of a proxy provider and returns the configuration the outpost gets. */
export async function createProxyProvider(
  core: TestCore,
  fields: ProxyProviderFields,
): Promise<ProxyProviderConfig> {
  const { db, box } = core.server.ctx;
  const clientId = `proxy-${fields.slug}`;
  const clientSecret = `secret-${fields.slug}-0123456789abcdefghijklmnopqrstuvwxyz`;
  const external = fields.externalHost.replace(/\/+$/, '');
  const provider = await db.transaction(async (tx) => {
    const created = await insertOAuth2Provider(tx, box, {
      name: `Proxy ${fields.slug}`,
      clientId,
      clientSecret,
      redirectUris: [
        {
          matching_mode: 'regex',
          url: `${escapeRegex(external)}/outpost\\.goauthentik\\.io/callback\\?X-authentik-auth-callback=true`,
        },
        { matching_mode: 'regex', url: `${escapeRegex(external)}\\?X-authentik-auth-callback=true` },
      ],
    });
    await insertApplication(tx, { name: `App ${fields.slug}`, slug: fields.slug, providerId: created.id });
    return created;
  });
  await db.query(
    "UPDATE oauth2_providers SET access_token_format = 'jwt', signing_key = $2 WHERE provider_id = $1",
    [provider.id, fields.signingKey ?? null],
  );
  const discovery = (await (
    await fetch(`${core.origin}/application/o/${fields.slug}/.well-known/openid-configuration`)
  ).json()) as OidcConfiguration;
  return {
    pk: provider.id,
    name: `Proxy ${fields.slug}`,
    internal_host: 'http://upstream.invalid',
    external_host: fields.externalHost,
    internal_host_ssl_validation: true,
    client_id: clientId,
    client_secret: clientSecret,
    oidc_configuration: discovery,
    cookie_secret: `COOKIESECRET${fields.slug.toUpperCase()}`.padEnd(32, 'X').slice(0, 32),
    certificate: null,
    skip_path_regex: fields.skipPathRegex ?? '',
    basic_auth_enabled: fields.basicAuth !== undefined,
    basic_auth_user_attribute: fields.basicAuth?.user ?? '',
    basic_auth_password_attribute: fields.basicAuth?.password ?? '',
    mode: fields.mode,
    cookie_domain: fields.cookieDomain ?? '',
    access_token_validity: fields.accessTokenValidity ?? 600,
    intercept_header_auth: fields.interceptHeaderAuth ?? true,
    scopes_to_request: ['openid', 'profile', 'email', 'ak_proxy'],
    assigned_application_slug: fields.slug,
    assigned_application_name: `App ${fields.slug}`,
  };
}
