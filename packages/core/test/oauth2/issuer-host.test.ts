/**
 * Where an issuer's name comes from (issue 13, finding 8): the configured external URL, whatever Host says;
 * without one, the request's Host (the reference's behaviour), but only a plain host[:port], and
 * X-Forwarded-Host only from a trusted proxy. Anything else is 400 invalid_host, never a 500 or an issuer
 * named after a userinfo or path trick.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { insertApplication } from '../../src/applications/applications-repository.ts';
import { insertOAuth2Provider } from '../../src/oauth2/providers-repository.ts';
import { createTestApp, type TestApp } from '../support/app.ts';
import { testBackends } from '../support/databases.ts';

// Naming issuers reads no storage-specific path: one backend is enough.
const backend = testBackends()[0];
const DISCOVERY = '/application/o/wiki/.well-known/openid-configuration';

async function withWiki(env: Record<string, string>): Promise<TestApp> {
  if (!backend) throw new Error('no test backend');
  const t = await createTestApp(backend, env);
  await t.db.transaction(async (tx) => {
    const provider = await insertOAuth2Provider(tx, t.ctx.box, {
      name: 'Wiki provider',
      clientId: 'wiki-client',
      clientSecret: 'wiki-secret-0123456789',
      redirectUris: [{ matching_mode: 'strict', url: 'https://wiki.example.com/cb' }],
    });
    await insertApplication(tx, { name: 'Wiki', slug: 'wiki', providerId: provider.id });
  });
  return t;
}

const discover = async (t: TestApp, headers: Record<string, string>, remoteAddress = '127.0.0.1') => {
  const res = await t.app.inject({ url: DISCOVERY, headers, remoteAddress });
  return { status: res.statusCode, body: res.json() as Record<string, unknown> };
};

describe('issuer names without external_url', () => {
  let t: TestApp;
  before(async () => {
    t = await withWiki({ PALISADE_TRUSTED_PROXY_CIDRS: '10.9.9.9' });
  });
  after(() => t.close());

  it('follows a plain Host, as the reference does', async () => {
    for (const [host, issuer] of [
      ['core.example', 'http://core.example/application/o/wiki/'],
      ['core.example:8443', 'http://core.example:8443/application/o/wiki/'],
      ['CORE.example:80', 'http://core.example/application/o/wiki/'],
      ['127.0.0.1:9000', 'http://127.0.0.1:9000/application/o/wiki/'],
      ['[::1]:9000', 'http://[::1]:9000/application/o/wiki/'],
    ]) {
      const res = await discover(t, { host: host ?? '' });
      assert.equal(res.status, 200, host);
      assert.equal(res.body.issuer, issuer);
      assert.equal(res.body.token_endpoint, issuer?.replace(/wiki\/$/, 'token/'));
    }
  });

  it('refuses a Host that is not a plain host[:port] with 400 invalid_host', async () => {
    for (const host of [
      'a b',
      'x@evil.example',
      'core.example@evil.example',
      'evil.example/path',
      'evil.example?x=1',
      'evil.example#frag',
      'evil.example:99999',
      'evil.example:0',
      '[::1',
      'evil.example, core.example',
    ]) {
      const res = await discover(t, { host });
      assert.equal(res.status, 400, `${JSON.stringify(host)}: ${JSON.stringify(res.body)}`);
      assert.equal(res.body.code, 'invalid_host');
      assert.ok(!JSON.stringify(res.body).includes('evil'), 'the answer names no issuer');
    }
  });

  it('believes X-Forwarded-Host only from a trusted proxy', async () => {
    const spoofed = await discover(t, { host: 'core.example', 'x-forwarded-host': 'evil.example' });
    assert.equal(spoofed.body.issuer, 'http://core.example/application/o/wiki/');
    const proxied = await discover(
      t,
      { host: 'core.internal', 'x-forwarded-host': 'auth.example', 'x-forwarded-proto': 'https' },
      '10.9.9.9',
    );
    assert.equal(proxied.body.issuer, 'https://auth.example/application/o/wiki/');
    const bad = await discover(
      t,
      { host: 'core.internal', 'x-forwarded-host': 'x@evil.example' },
      '10.9.9.9',
    );
    assert.equal(bad.status, 400);
    assert.equal(bad.body.code, 'invalid_host');
  });
});

describe('issuer names with external_url', () => {
  let t: TestApp;
  before(async () => {
    t = await withWiki({ PALISADE_EXTERNAL_URL: 'https://auth.example.com' });
  });
  after(() => t.close());

  it('names every issuer after external_url, whatever Host says', async () => {
    for (const host of ['evil.example', 'core.internal:9000', 'x@evil.example', 'a b']) {
      const res = await discover(t, { host });
      assert.equal(res.status, 200, host);
      assert.equal(res.body.issuer, 'https://auth.example.com/application/o/wiki/');
      assert.equal(res.body.authorization_endpoint, 'https://auth.example.com/application/o/authorize/');
    }
  });
});
