/**
 * The JWKS path end to end: providers whose tokens a real core signs with RS256 and ES256 keypairs made by
 * its own API (/crypto/certificatekeypairs/generate/); the outpost learns the algorithm from the discovery
 * document, fetches the core's JWKS and verifies the access token at the callback.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { decodeProtectedHeader } from 'jose';
import type { ProxyProviderConfig } from '../src/proxy/types.ts';
import { Browser } from './support/browser.ts';
import { startTestCore, type TestCore } from './support/core.ts';
import { startOutpost, type TestOutpost } from './support/outpost.ts';
import { createProxyProvider, createUser } from './support/palisade-core.ts';

describe('tokens signed with a keypair, verified against the real core JWKS', () => {
  let core: TestCore;
  let outpost: TestOutpost;
  const configs: Record<string, ProxyProviderConfig> = {};
  const origin = () => core.url.replace(/\/$/, '');

  before(async () => {
    core = await startTestCore();
    const view = { server: core.server, origin: origin(), close: core.close };
    await createUser(view, { username: 'kim', password: 'kim-password-1' });
    for (const [alg, keyAlg] of [
      ['RS256', 'rsa'],
      ['ES256', 'ecdsa'],
    ] as const) {
      const generated = await core.api('POST', '/crypto/certificatekeypairs/generate/', {
        common_name: `signing ${alg}`,
        validity_days: 30,
        alg: keyAlg,
      });
      assert.equal(generated.status, 200, JSON.stringify(generated.body));
      configs[alg] = await createProxyProvider(view, {
        slug: `jwks-${alg.toLowerCase()}`,
        externalHost: `http://jwks-${alg.toLowerCase()}.test`,
        mode: 'proxy',
        signingKey: generated.body.pk,
      });
    }
    outpost = await startOutpost(Object.values(configs));
  });
  after(async () => {
    await outpost?.close();
    await core?.close();
  });

  for (const alg of ['RS256', 'ES256']) {
    it(`signs in with a ${alg} access token checked against the JWKS, and serves the identity`, async () => {
      const config = configs[alg];
      assert.ok(config);
      assert.deepEqual(config.oidc_configuration.id_token_signing_alg_values_supported, [alg]);
      const app = config.external_host;
      const browser = new Browser(outpost.port, origin());
      const start = `${app}/outpost.goauthentik.io/start?rd=${encodeURIComponent(`${app}/page?q=1`)}`;
      assert.equal(await browser.signIn(start, 'kim', 'kim-password-1'), `${app}/page?q=1`);
      const res = await browser.request(`${app}/page?q=1`);
      assert.equal(res.status, 200, res.body);
      const headers = JSON.parse(res.body).identityHeaders as Record<string, string>;
      assert.equal(headers['X-Authentik-Username'], 'kim');
      assert.equal(decodeProtectedHeader(headers['X-Authentik-Jwt'] ?? '').alg, alg);
      assert.equal(headers['X-Authentik-Meta-Jwks'], config.oidc_configuration.jwks_uri);
    });
  }
});
