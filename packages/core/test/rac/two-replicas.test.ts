import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { Database } from '../../src/db/database.ts';
import { openServerDatabase } from '../../src/db/server.ts';
import { hashPassword } from '../../src/identity/passwords.ts';
import { createSecretBox } from '../../src/identity/secret-box.ts';
import { insertUser } from '../../src/identity/users-repository.ts';
import { type ServerChild, startPalisadeServer } from '../cli/palisade-process.ts';
import { cookieFetch } from '../support/cookie-fetch.ts';
import { createServerTestDatabaseUrl, POSTGRES_SKIP_REASON } from '../support/databases.ts';
import { insertTestOutpost, type TestInstance, type TestOutpost } from '../support/outposts.ts';
import {
  browserSocketUrl,
  connectRacInstance,
  nextInit,
  openRacSocket,
  relaySocketUrl,
} from '../support/rac.ts';

const adminUrl = process.env.PALISADE_TEST_POSTGRESQL_URL;
const SIGN_IN = '/if/flow/default-authentication-flow/';
const SIGN_OUT = '/if/flow/default-invalidation-flow/';

// Two core processes on one PostgreSQL server, as behind a load balancer: the browser's socket on one, the
// outpost's control socket and relay socket on the other. PGlite belongs to one process: a real server only.
describe('RAC relay across two core replicas on one PostgreSQL', { skip: POSTGRES_SKIP_REASON }, () => {
  const secretKey = randomBytes(32).toString('hex');
  const adminToken = randomBytes(24).toString('hex');
  let database: { url: string; drop(): Promise<void> };
  let db: Database;
  let a: ServerChild;
  let b: ServerChild;
  let outpost: TestOutpost;
  let instance: TestInstance;
  let endpointPk: string;

  const callA = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${a.url}/api/v3${path}`, {
      method,
      headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    assert.ok(res.status < 300, `${method} ${path}: ${res.status} ${await res.clone().text()}`);
    return res.json() as Promise<Record<string, unknown>>;
  };

  /** Signs in through `core`'s sign-in page and launches the endpoint there: the browser and its token. */
  const signInAndLaunch = async (core: ServerChild) => {
    const browser = cookieFetch(core.url);
    const page = await (await browser.request(SIGN_IN)).text();
    const csrf = /name="csrf_token" value="([^"]+)"/.exec(page)?.[1] ?? '';
    const signedIn = await browser.request(SIGN_IN, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ csrf_token: csrf, uid_field: 'remote-user', password: 'remote-password' }),
    });
    assert.equal(signedIn.status, 303, await signedIn.text());
    const launched = await browser.request(`/application/rac/remote/${endpointPk}/`);
    assert.equal(launched.status, 302, await launched.text());
    const token = /^\/if\/rac\/([A-Za-z0-9_-]{43})\/$/.exec(launched.headers.get('location') ?? '')?.[1];
    assert.ok(token);
    const cookie = [...browser.jar].map(([k, v]) => `${k}=${v}`).join('; ');
    return { browser, token, cookie };
  };

  before(async () => {
    database = await createServerTestDatabaseUrl(adminUrl ?? '');
    const env = {
      PALISADE_DATABASE_URL: database.url,
      PALISADE_SECRET_KEY: secretKey,
      PALISADE_BOOTSTRAP_TOKEN: adminToken,
      // The test reads the relay's replica's log to see the replica link was used.
      PALISADE_LOG_LEVEL: 'info',
    };
    a = await startPalisadeServer(env);
    b = await startPalisadeServer(env);
    db = await openServerDatabase(database.url);
    const flows = (await callA('GET', '/flows/instances/?page_size=100')) as {
      results?: Array<{ slug: string; pk: string }>;
    };
    const provider = await callA('POST', '/providers/rac/', {
      name: 'replicas',
      authorization_flow: flows.results?.find(
        (f) => f.slug === 'default-provider-authorization-implicit-consent',
      )?.pk,
    });
    await callA('POST', '/core/applications/', { name: 'Remote', slug: 'remote', provider: provider.pk });
    const endpoint = await callA('POST', '/rac/endpoints/', {
      name: 'desk',
      provider: provider.pk,
      protocol: 'vnc',
      auth_mode: 'static',
      host: 'desk.internal:5900',
      maximum_connections: -1,
      settings: { password: 'replica-secret' },
    });
    endpointPk = String(endpoint.pk);
    outpost = await insertTestOutpost(db, createSecretBox(secretKey), 'rac replicas', [Number(provider.pk)]);
    await db.query("UPDATE outposts SET type = 'rac' WHERE uuid = $1", [outpost.uuid]);
    await insertUser(db, { username: 'remote-user', passwordHash: await hashPassword('remote-password') });
    // The outpost's control socket is on B only.
    instance = await connectRacInstance(b.url, outpost, 'on-b', 0);
  });
  after(async () => {
    await instance?.close();
    await db?.close();
    await a?.stop();
    await b?.stop();
    await database?.drop();
  });

  for (const [browserSide, relaySide] of [
    ['A', 'B'],
    ['B', 'A'],
  ] as const) {
    it(`pairs a browser socket on ${browserSide} with the outpost's relay on ${relaySide}, both ways, and tears down`, async () => {
      const core = { A: () => a, B: () => b };
      const { token, cookie } = await signInAndLaunch(core[browserSide]());
      const from = instance.frames.length;
      const socket = await openRacSocket(browserSocketUrl(core[browserSide]().url, token), { cookie });
      const init = await nextInit(instance, from);
      assert.equal((init?.params as Record<string, string>).password, 'replica-secret');
      const relay = await openRacSocket(
        relaySocketUrl(core[relaySide]().url, String(init?.dest_channel_id)),
        {
          authorization: `Bearer ${outpost.token}`,
        },
      );
      const screen = Buffer.from(randomBytes(64 * 1024));
      relay.ws.send(screen);
      relay.ws.send('text from the outpost');
      const [binary, text] = await socket.waitForFrames(2);
      assert.deepEqual(binary, { binary: screen });
      assert.deepEqual(text, { text: 'text from the outpost' });
      socket.ws.send(Buffer.from([9, 8, 7]));
      socket.ws.send('typed');
      assert.deepEqual(await relay.waitForFrames(2), [{ binary: Buffer.from([9, 8, 7]) }, { text: 'typed' }]);
      socket.ws.close();
      await relay.closed;
      assert.deepEqual(relay.frames.at(-1), { text: '0.authentik.disconnect' });
      // The relay's replica reached the browser's over the replica link, not by chance on one process.
      const channel = String(init?.dest_channel_id);
      assert.ok(
        core[relaySide]()
          .output()
          .split('\n')
          .some(
            (line) =>
              line.includes('rac relay piped to the replica of the browser') && line.includes(channel),
          ),
        `no replica link for ${channel} in ${relaySide}'s log`,
      );
    });
  }

  it('closes both within a second when the user signs out on the other replica', async () => {
    const { browser, token, cookie } = await signInAndLaunch(a);
    const from = instance.frames.length;
    const socket = await openRacSocket(browserSocketUrl(a.url, token), { cookie });
    const init = await nextInit(instance, from);
    const relay = await openRacSocket(relaySocketUrl(b.url, String(init?.dest_channel_id)), {
      authorization: `Bearer ${outpost.token}`,
    });
    // Sign out through B with the same cookies (any replica serves any session).
    const onB = cookieFetch(b.url);
    for (const [name, value] of browser.jar) onB.jar.set(name, value);
    const page = await (await onB.request(SIGN_OUT)).text();
    const csrf = /name="csrf_token" value="([^"]+)"/.exec(page)?.[1] ?? '';
    const started = Date.now();
    const out = await onB.request(SIGN_OUT, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ csrf_token: csrf }),
    });
    assert.ok(out.status < 400, `sign-out answered ${out.status}`);
    const [browserClosed, relayClosed] = await Promise.all([socket.closed, relay.closed]);
    assert.equal(browserClosed.code, 4000);
    assert.match(browserClosed.reason, /signed out/);
    assert.deepEqual(relay.frames.at(-1), { text: '0.authentik.disconnect' });
    for (const closed of [browserClosed, relayClosed])
      assert.ok(closed.at - started <= 1000, `closed ${closed.at - started} ms after the sign-out`);
    for (const core of [a, b])
      assert.ok(!core.output().includes('replica-secret'), 'credentials are never logged');
  });
});
