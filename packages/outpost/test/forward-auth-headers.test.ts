import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { rewriteEndpoints } from '../src/proxy/app/endpoints.ts';
import { createHostRouter } from '../src/proxy/app/host-routing.ts';
import {
  basicAuthorization,
  IDENTITY_HEADER_NAMES,
  identityHeaders,
} from '../src/proxy/auth/identity-headers.ts';
import type { Logger, SessionClaims } from '../src/proxy/types.ts';
import { applicationFor, providerConfig } from './support/configs.ts';

const claims = (overrides: Partial<SessionClaims> = {}): SessionClaims => ({
  sub: 'hashed-uid',
  exp: Math.floor(Date.now() / 1000) + 600,
  email: 'alice@example.com',
  name: 'Alice Zoë',
  preferred_username: 'alice',
  groups: ['staff', 'ops'],
  entitlements: ['read', 'write'],
  ak_proxy: { user_attributes: {} },
  raw_token: 'header.payload.signature',
  ...overrides,
});
const meta = { outpostName: 'outpost-1', version: 'goauthentik.io/outpost/2026.1.0' };

describe('identity headers', () => {
  it('sets exactly the listed headers, spelled as Go spells them, groups joined with |', () => {
    const app = applicationFor(providerConfig());
    const headers = identityHeaders(app, claims(), meta);
    assert.deepEqual(Object.keys(headers), [...IDENTITY_HEADER_NAMES]);
    assert.equal(headers['X-Authentik-Username'], 'alice');
    assert.equal(headers['X-Authentik-Groups'], 'staff|ops');
    assert.equal(headers['X-Authentik-Entitlements'], 'read|write');
    assert.equal(headers['X-Authentik-Uid'], 'hashed-uid');
    assert.equal(headers['X-Authentik-Jwt'], 'header.payload.signature');
    assert.equal(headers['X-Authentik-Meta-Jwks'], 'https://core.example.com/application/o/example/jwks/');
    assert.equal(headers['X-Authentik-Meta-Outpost'], 'outpost-1');
    assert.equal(headers['X-Authentik-Meta-App'], 'example');
    assert.equal(headers['X-Authentik-Meta-Version'], meta.version);
    assert.equal(
      Buffer.from(headers['X-Authentik-Name'] ?? '', 'latin1').toString('utf8'),
      'Alice Zoë',
      'UTF-8 on the wire',
    );
  });

  it('sends outgoing Basic auth only with a non-empty password (test vector foo/bar)', () => {
    const app = applicationFor(
      providerConfig({
        basic_auth_enabled: true,
        basic_auth_user_attribute: 'u',
        basic_auth_password_attribute: 'p',
      }),
    );
    const withBoth = claims({ ak_proxy: { user_attributes: { u: 'foo', p: 'bar' } } });
    assert.equal(basicAuthorization(app, withBoth), 'Basic Zm9vOmJhcg==');
    assert.equal(identityHeaders(app, withBoth, meta).Authorization, 'Basic Zm9vOmJhcg==');
    const emailOnly = claims({ email: 'foo', ak_proxy: { user_attributes: { p: 'bar' } } });
    assert.equal(
      basicAuthorization(app, emailOnly),
      'Basic Zm9vOmJhcg==',
      'username falls back to the email',
    );
    assert.equal(
      basicAuthorization(app, claims({ ak_proxy: { user_attributes: { u: 'foo', p: '' } } })),
      undefined,
    );
    const disabled = applicationFor(
      providerConfig({ basic_auth_user_attribute: 'u', basic_auth_password_attribute: 'p' }),
    );
    assert.equal(basicAuthorization(disabled, withBoth), undefined);
  });

  it('adds additionalHeaders (strings and integers) and refuses names and values that could smuggle', () => {
    const warnings: object[] = [];
    const log: Logger = { debug() {}, info() {}, error() {}, warn: (obj) => warnings.push(obj) };
    const app = applicationFor(providerConfig(), log);
    const headers = identityHeaders(
      app,
      claims({
        ak_proxy: {
          user_attributes: {
            additionalHeaders: {
              'x-tenant': 'acme',
              'X-Level': 3,
              'X-Float': 1.5,
              'X-Obj': { a: 1 },
              'X-Bad\r\nInjected': 'x',
              'X-Split': 'a\r\nSet-Cookie: evil=1',
              X_Underscore: 'spoof',
              Host: 'evil',
              'bad name': 'x',
            },
          },
        },
      }),
      meta,
    );
    assert.equal(headers['X-Tenant'], 'acme');
    assert.equal(headers['X-Level'], '3');
    for (const name of [
      'X-Float',
      'X-Obj',
      'X-Bad\r\nInjected',
      'X-Split',
      'X_Underscore',
      'Host',
      'bad name',
    ])
      assert.equal(
        Object.keys(headers).some((key) => key.toLowerCase() === name.toLowerCase()),
        false,
        name,
      );
    assert.equal(warnings.length, 7);
    assert.ok(!JSON.stringify(warnings).includes('evil=1'), 'refused values are not logged');
  });
});

describe('applications', () => {
  it('routes by exact host, then by cookie domain on a label boundary, then the single app', () => {
    const single = applicationFor(providerConfig({ pk: 1, external_host: 'https://app.example.com' }));
    const domain = applicationFor(
      providerConfig({
        pk: 2,
        client_id: 'd',
        external_host: 'https://auth.corp.test',
        mode: 'forward_domain',
        cookie_domain: '.corp.test',
      }),
    );
    const router = createHostRouter([single, domain]);
    assert.equal(router.find('app.example.com'), single);
    assert.equal(router.find('auth.corp.test'), domain);
    assert.equal(router.find('wiki.corp.test'), domain);
    assert.equal(router.find('corp.test'), domain);
    assert.equal(router.find('evilcorp.test'), undefined, 'a suffix without a label boundary');
    assert.equal(router.find('other.example.com'), undefined);
    assert.equal(createHostRouter([single]).find('anything.test'), single, 'one app takes every host');
  });

  it('rewrites browser-facing endpoints for AUTHENTIK_HOST_BROWSER and the embedded outpost (spec §2.4)', () => {
    const oidc = providerConfig().oidc_configuration;
    const browser = rewriteEndpoints(oidc, {
      embedded: false,
      hostBrowser: new URL('https://sso.public.test'),
    });
    assert.equal(browser.authorize, 'https://sso.public.test/application/o/authorize/');
    assert.equal(browser.endSession, 'https://sso.public.test/application/o/example/end-session/');
    assert.equal(browser.token, oidc.token_endpoint);
    assert.equal(browser.issuer, oidc.issuer);
    const embedded = rewriteEndpoints(oidc, {
      embedded: true,
      authentikHost: new URL('http://idp.local:9000'),
    });
    assert.equal(embedded.authorize, 'http://idp.local:9000/application/o/authorize/');
    assert.equal(embedded.issuer, 'http://idp.local:9000/application/o/example/');
    assert.equal(embedded.introspection, oidc.introspection_endpoint);
    // The keys are fetched over the back channel; the header names them where the application reaches them.
    assert.equal(embedded.jwks, oidc.jwks_uri);
    assert.equal(embedded.jwksPublic, 'http://idp.local:9000/application/o/example/jwks/');
    assert.equal(browser.jwksPublic, oidc.jwks_uri);
    assert.deepEqual(rewriteEndpoints(oidc, { embedded: false }).authorize, oidc.authorization_endpoint);
  });
});
