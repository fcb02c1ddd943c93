import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { findOutpostByManaged } from '../../src/outposts/outposts-repository.ts';
import { MANAGED_EMBEDDED_OUTPOST } from '../../src/outposts/embedded.ts';
import { fillEmbeddedOutpostHost, shouldReplaceHost } from '../../src/outposts/browser-url.ts';
import type { TestApp } from '../support/app.ts';
import { testBackends } from '../support/databases.ts';
import { createFlowApp, newBrowser, SETUP } from '../flows/flow-app.ts';

/** The embedded outpost's authentik_host as the admin API answers it. */
async function embeddedHost(t: TestApp): Promise<unknown> {
  const res = await t.app.inject({
    url: '/api/v3/outposts/instances/?page_size=100',
    headers: t.adminHeaders,
  });
  const list = res.json() as {
    results: Array<{ managed: string | null; config: { authentik_host: unknown } }>;
  };
  return list.results.find((o) => o.managed === MANAGED_EMBEDDED_OUTPOST)?.config.authentik_host;
}

/** Completes the initial setup from a browser that reached the core at `host`. */
async function setUpAt(t: TestApp, host: string): Promise<void> {
  const res = await newBrowser(t, { host }).submit(SETUP, {
    email: 'admin@example.com',
    password: 'first-password',
    password_repeat: 'first-password',
  });
  assert.equal(res.statusCode, 303);
}

describe('shouldReplaceHost', () => {
  it('fills an empty host, upgrades a loopback one, and keeps one the administrator chose', () => {
    assert.equal(shouldReplaceHost('', 'http://auth.example.com/'), true);
    assert.equal(shouldReplaceHost(undefined, 'http://127.0.0.1:9000/'), true);
    assert.equal(shouldReplaceHost('http://127.0.0.1:9000/', 'https://auth.example.com/'), true);
    assert.equal(shouldReplaceHost('http://localhost:9000/', 'http://127.0.0.1:9000/'), false);
    assert.equal(shouldReplaceHost('https://sso.example.org/', 'https://auth.example.com/'), false);
  });
});

for (const backend of testBackends()) {
  describe(`the embedded outpost's browser-facing URL on ${backend.name}`, () => {
    describe('without external_url', () => {
      let t: TestApp;
      before(async () => {
        t = await createFlowApp(backend);
      });
      after(() => t.close());

      it('is empty before the initial setup, then the URL the administrator used for it', async () => {
        assert.equal(await embeddedHost(t), '');
        await setUpAt(t, 'auth.example.com:8443');
        assert.equal(await embeddedHost(t), 'http://auth.example.com:8443/');
      });

      it('is not overwritten by a later call with another URL', async () => {
        const changed = await fillEmbeddedOutpostHost(
          t.db,
          'https://other.example.com',
          t.app.log,
          'initial setup',
        );
        assert.equal(changed, false);
        assert.equal(await embeddedHost(t), 'http://auth.example.com:8443/');
      });
    });

    describe('set up from the server itself', () => {
      let t: TestApp;
      before(async () => {
        t = await createFlowApp(backend);
      });
      after(() => t.close());

      it('takes the loopback URL, and a configured URL replaces it later', async () => {
        await setUpAt(t, '127.0.0.1:9000');
        assert.equal(await embeddedHost(t), 'http://127.0.0.1:9000/');
        assert.equal(
          await fillEmbeddedOutpostHost(t.db, 'https://auth.example.com/', t.app.log, 'external_url'),
          true,
        );
        assert.equal(await embeddedHost(t), 'https://auth.example.com/');
      });
    });

    describe('with external_url', () => {
      let t: TestApp;
      before(async () => {
        t = await createFlowApp(backend, { PALISADE_EXTERNAL_URL: 'https://auth.example.com/palisade' });
      });
      after(() => t.close());

      it('is the configured origin from the first start, whatever URL the setup used', async () => {
        assert.equal(await embeddedHost(t), 'https://auth.example.com/');
        await setUpAt(t, '127.0.0.1:9000');
        assert.equal(await embeddedHost(t), 'https://auth.example.com/');
        const outpost = await findOutpostByManaged(t.db, MANAGED_EMBEDDED_OUTPOST);
        assert.equal(outpost?.config.authentik_host, 'https://auth.example.com/');
      });
    });
  });
}
