import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { decodeJwt } from 'jose';
import type { ProxyProviderConfig } from '../src/proxy/types.ts';
import { Browser } from './support/browser.ts';
import { createProxyProvider, createUser, startCore, type TestCore } from './support/palisade-core.ts';
import { startOutpost, type TestOutpost } from './support/outpost.ts';

const APP = 'http://app.test';

describe('sessions any replica can serve (proxy mode, real core)', () => {
  let core: TestCore;
  let config: ProxyProviderConfig;
  let replicaA: TestOutpost;
  let replicaB: TestOutpost;

  before(async () => {
    core = await startCore();
    await createUser(core, { username: 'alice', password: 'alice-password', groups: ['staff', 'ops'] });
    // Random names: deflate cannot shrink them, so the session really passes one cookie's limit.
    const big = Array.from({ length: 160 }, () => `group-${randomBytes(12).toString('hex')}`);
    await createUser(core, { username: 'bigbob', password: 'bob-password', groups: big });
    config = await createProxyProvider(core, { slug: 'replicas', externalHost: APP, mode: 'proxy' });
    replicaA = await startOutpost([config]);
    replicaB = await startOutpost([config]);
  });
  after(async () => {
    await replicaA?.close();
    await replicaB?.close();
    await core?.close();
  });

  /** Signs a fresh browser in on replica A, starting from `path`. */
  async function signedIn(path = '/private?x=1', username = 'alice', password = 'alice-password') {
    const browser = new Browser(replicaA.port, core.origin);
    const first = await browser.request(`${APP}${path}`);
    assert.equal(first.status, 302);
    const start = new URL(first.location ?? '');
    assert.equal(start.pathname, '/outpost.goauthentik.io/start');
    assert.equal(start.searchParams.get('rd'), `${APP}${path}`);
    const landed = await browser.signIn(start.href, username, password);
    assert.equal(landed, `${APP}${path}`);
    return browser;
  }

  it('signs in on replica A and is recognised with the same cookie on replica B', async () => {
    const browser = await signedIn();
    const onA = await browser.request(`${APP}/private?x=1`);
    assert.equal(onA.status, 200);
    assert.equal(JSON.parse(onA.body).identityHeaders['X-Authentik-Username'], 'alice');
    browser.outpostPort = replicaB.port;
    const onB = await browser.request(`${APP}/other`);
    assert.equal(onB.status, 200, onB.body);
    const seen = JSON.parse(onB.body) as { identityHeaders: Record<string, string>; url: string };
    assert.equal(seen.url, '/other');
    assert.equal(seen.identityHeaders['X-Authentik-Username'], 'alice');
    assert.equal(seen.identityHeaders['X-Authentik-Groups'], 'ops|staff');
    assert.equal(seen.identityHeaders['X-Authentik-Meta-Provider'], config.name);
  });

  it('lands every tab where it began when sign-ins run side by side', async () => {
    const browser = new Browser(replicaA.port, core.origin);
    const starts = [];
    for (const path of ['/one', '/two', '/three']) {
      const res = await browser.request(`${APP}${path}`);
      const authorize = await browser.request(res.location ?? '');
      assert.equal(authorize.status, 302);
      starts.push({ path, authorize: authorize.location ?? '' });
    }
    // Finish them in another order than they began; the first needs the password, the rest ride the core session.
    assert.equal(await browser.signIn(starts[1]?.authorize ?? '', 'alice', 'alice-password'), `${APP}/two`);
    assert.equal(await browser.signIn(starts[2]?.authorize ?? '', 'alice', 'alice-password'), `${APP}/three`);
    assert.equal(await browser.signIn(starts[0]?.authorize ?? '', 'alice', 'alice-password'), `${APP}/one`);
    assert.equal((await browser.request(`${APP}/one`)).status, 200);
  });

  it('recovers, once and visibly in the logs, when two tabs raced for the first session cookie', async () => {
    const browser = new Browser(replicaA.port, core.origin);
    // Both start requests leave before either cookie arrives: the second cookie replaces the first.
    const [one, two] = await Promise.all(
      ['/one', '/two'].map((path) =>
        new Browser(replicaA.port, core.origin).request(
          `${APP}/outpost.goauthentik.io/start?rd=${encodeURIComponent(`${APP}${path}`)}`,
        ),
      ),
    );
    browser.remember(`${APP}/`, one?.headers['set-cookie']);
    browser.remember(`${APP}/`, two?.headers['set-cookie']);
    const before = replicaA.logs.filter((line) => line.msg === 'sign-in failed').length;
    assert.equal(await browser.signIn(one?.location ?? '', 'alice', 'alice-password'), `${APP}/one`);
    assert.equal(await browser.signIn(two?.location ?? '', 'alice', 'alice-password'), `${APP}/two`);
    const failures = replicaA.logs.filter((line) => line.msg === 'sign-in failed').slice(before);
    assert.equal(failures.length, 1);
    assert.equal((failures[0]?.obj as { reason: string }).reason, 'mismatched session ID');
  });

  it('signs the session out on every replica when the core ends it (SESSION_END)', async () => {
    const browser = await signedIn();
    const res = await browser.request(`${APP}/private`);
    const jwt = JSON.parse(res.body).identityHeaders['X-Authentik-Jwt'] as string;
    const sid = String(decodeJwt(jwt).sid);
    assert.match(sid, /^[0-9a-f]{64}$/);
    replicaA.runtime.endSession(sid);
    replicaB.runtime.endSession(sid);
    for (const port of [replicaA.port, replicaB.port]) {
      browser.outpostPort = port;
      const after = await browser.request(`${APP}/private`);
      assert.equal(after.status, 302);
      assert.match(after.location ?? '', /\/outpost\.goauthentik\.io\/start\?rd=/);
    }
  });

  it('signs out: the cookie is cleared, replaying it fails, and the browser goes to the core naming the client', async () => {
    const browser = await signedIn();
    const stolen = browser.cookieHeader(`${APP}/`);
    const res = await browser.request(`${APP}/outpost.goauthentik.io/sign_out`);
    assert.equal(res.status, 302);
    const end = new URL(res.location ?? '');
    assert.equal(end.href.split('?')[0], config.oidc_configuration.end_session_endpoint);
    assert.equal(end.searchParams.get('client_id'), config.client_id);
    assert.equal(end.searchParams.get('id_token_hint'), null, 'no token in a browser-visible URL');
    assert.ok(
      (res.headers['set-cookie'] ?? []).every((line) => /Max-Age=0/.test(line)),
      'every session cookie is deleted',
    );
    assert.equal(browser.cookieHeader(`${APP}/`), '');
    const replay = await browser.request(`${APP}/private`, { headers: { cookie: stolen } });
    assert.equal(replay.status, 302, 'the signed-out cookie no longer signs in on this replica');
    const logoutBySignature = await browser.request(`${APP}/anything?X-authentik-logout=true`);
    assert.equal(logoutBySignature.status, 302);
    assert.match(logoutBySignature.location ?? '', /\/outpost\.goauthentik\.io\/start\?rd=/);
  });

  it('splits a session whose token passes the cookie limit across cookies, each under 4096 bytes', async () => {
    const browser = await signedIn('/big', 'bigbob', 'bob-password');
    const names = browser.cookies.map((c) => c.name);
    const head = names.find((name) => /^authentik_proxy_[0-9a-f]{8}$/.test(name)) ?? '';
    assert.ok(names.includes(`${head}_1`), `chunked: ${names.join(', ')}`);
    for (const cookie of browser.cookies) assert.ok(cookie.name.length + cookie.value.length + 80 < 4096);
    browser.outpostPort = replicaB.port;
    const res = await browser.request(`${APP}/big`);
    assert.equal(res.status, 200);
    const groups = JSON.parse(res.body).identityHeaders['X-Authentik-Groups'] as string;
    assert.equal(groups.split('|').length, 160);
  });
});
