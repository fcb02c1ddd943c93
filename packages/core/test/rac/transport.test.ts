import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { OutpostInstruction } from '@palisade/schema';
import { createSecretBox } from '../../src/identity/secret-box.ts';
import { createLogger } from '../../src/logging.ts';
import { captureLines } from '../support/log-capture.ts';
import { apiClient } from '../support/api-client.ts';
import { createTestApp, type TestApp } from '../support/app.ts';
import type { BrowserSession } from '../support/browser-session.ts';
import { testBackends } from '../support/databases.ts';
import { flowPks } from '../support/flows.ts';
import { insertTestOutpost, type TestInstance, type TestOutpost } from '../support/outposts.ts';
import {
  browserSocketUrl,
  connectRacInstance,
  nextInit,
  openRacSocket,
  racHandshakeStatus,
  relaySocketUrl,
} from '../support/rac.ts';
import { FLOW_ENV, insertUserWithPassword, newBrowser, SIGN_IN } from '../flows/flow-app.ts';

const SIGN_OUT = '/if/flow/default-invalidation-flow/';
const TOKEN_PAGE = /^\/if\/rac\/([A-Za-z0-9_-]{43})\/$/;

for (const backend of testBackends()) {
  describe(`RAC transport on one core (${backend.name})`, () => {
    let t: TestApp;
    let api: ReturnType<typeof apiClient>;
    let base: string;
    let outpost: TestOutpost;
    let otherOutpost: TestOutpost;
    let busy: TestInstance;
    let idle: TestInstance;
    let providerPk: number;
    const endpoints: Record<string, string> = {};
    const logs = captureLines();

    before(async () => {
      t = await createTestApp(backend, FLOW_ENV, {
        logger: createLogger('info', logs.stream),
        racTransport: { pairTimeoutMs: 3000 },
      });
      await t.app.listen({ host: '127.0.0.1', port: 0 });
      const address = t.app.server.address();
      base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
      api = apiClient(t.app, t.adminHeaders);
      const flows = await flowPks(api);
      const mapping = await api.post('/api/v3/propertymappings/provider/rac/', {
        name: 'colour',
        static_settings: { 'color-depth': 16, 'read-only': true },
      });
      const provider = await api.post('/api/v3/providers/rac/', {
        name: 'Relay provider',
        authorization_flow: flows['default-provider-authorization-implicit-consent'],
        settings: { 'color-depth': 24, username: 'provider-user' },
        property_mappings: [(mapping.json() as { pk: string }).pk],
      });
      providerPk = (provider.json() as { pk: number }).pk;
      await api.post('/api/v3/core/applications/', { name: 'Relay', slug: 'relay', provider: providerPk });
      for (const [name, extra] of [
        ['vnc', { settings: { password: 'vnc-secret', username: 'endpoint-user' } }],
        ['ssh', { protocol: 'ssh', host: 'ssh.internal' }],
      ] as const) {
        const res = await api.post('/api/v3/rac/endpoints/', {
          name,
          provider: providerPk,
          protocol: 'vnc',
          auth_mode: 'static',
          host: 'desk.internal:5901',
          maximum_connections: -1,
          ...extra,
        });
        assert.equal(res.statusCode, 201, res.body);
        endpoints[name] = (res.json() as { pk: string }).pk;
      }
      const box = createSecretBox(t.ctx.config.secret_key ?? '');
      outpost = await insertTestOutpost(t.db, box, 'rac relay', [providerPk]);
      otherOutpost = await insertTestOutpost(t.db, box, 'rac other', []);
      await t.db.query("UPDATE outposts SET type = 'rac'");
      busy = await connectRacInstance(base, outpost, 'busy', 3);
      idle = await connectRacInstance(base, outpost, 'idle', 0);
      for (const name of ['rac-anna', 'rac-ben']) {
        await insertUserWithPassword(t, { username: name, email: `${name}@example.com` }, `${name}-password`);
      }
    });
    after(async () => {
      await busy?.close();
      await idle?.close();
      await t.close();
    });

    const signIn = async (username: string) => {
      const browser = newBrowser(t);
      const res = await browser.submit(SIGN_IN, { uid_field: username, password: `${username}-password` });
      assert.equal(res.statusCode, 303, res.body);
      return browser;
    };
    const launch = async (browser: BrowserSession, endpoint = 'vnc') => {
      const res = await browser.get(`/application/rac/relay/${endpoints[endpoint]}/`);
      assert.equal(res.statusCode, 302, res.body);
      const token = TOKEN_PAGE.exec(String(res.headers.location))?.[1];
      assert.ok(token, String(res.headers.location));
      return token;
    };
    const cookieOf = (browser: BrowserSession) => ({
      cookie: [...browser.cookies].map(([k, v]) => `${k}=${v}`).join('; '),
    });
    /** A browser socket, the init the idle instance received for it, and the outpost's relay for it. */
    const connect = async (username = 'rac-anna', endpoint = 'vnc') => {
      const browser = await signIn(username);
      const token = await launch(browser, endpoint);
      const from = idle.frames.length;
      const socket = await openRacSocket(browserSocketUrl(base, token), cookieOf(browser));
      const init = await nextInit(idle, from);
      const channel = String(init?.dest_channel_id);
      const relay = await openRacSocket(relaySocketUrl(base, channel), {
        authorization: `Bearer ${outpost.token}`,
      });
      return { browser, token, socket, init, channel, relay };
    };

    it('sends init_connection with the merged settings to the least busy instance, then relays verbatim', async () => {
      const busyBefore = busy.frames.length;
      const { init, socket, relay } = await connect();
      assert.equal(init?.type, 'event.provider.specific');
      assert.equal(init?.protocol, 'vnc');
      assert.deepEqual([init?.screen_width, init?.screen_height, init?.screen_dpi], ['1280', '720', '96']);
      assert.deepEqual(init?.audio, []);
      assert.deepEqual(init?.params, {
        hostname: 'desk.internal',
        port: '5901',
        username: 'endpoint-user',
        password: 'vnc-secret',
        'color-depth': '16',
        'read-only': 'true',
      });
      assert.equal(
        busy.frames.slice(busyBefore).filter((f) => f.instruction === OutpostInstruction.PROVIDER_SPECIFIC)
          .length,
        0,
        'only the instance with the fewest active connections is asked',
      );
      const rfb = Buffer.from([0x52, 0x46, 0x42, 0x20, 0x00, 0xff, 0x0a]);
      relay.ws.send(rfb);
      relay.ws.send('{"type":"output","data":"hello"}');
      const [binary, text] = await socket.waitForFrames(2);
      assert.deepEqual(binary, { binary: rfb });
      assert.deepEqual(text, { text: '{"type":"output","data":"hello"}' });
      socket.ws.send(Buffer.from([1, 2, 3]));
      socket.ws.send('key');
      assert.deepEqual(await relay.waitForFrames(2), [{ binary: Buffer.from([1, 2, 3]) }, { text: 'key' }]);
      socket.ws.close();
      const gone = await relay.closed;
      assert.deepEqual(
        relay.frames.at(-1),
        { text: '0.authentik.disconnect' },
        'the outpost hears the browser left',
      );
      assert.equal(gone.code, 1000);
      assert.ok(!logs.text().includes('vnc-secret'), 'the credentials are never logged');
    });

    it('closes the browser with 4000 and the reason when the outpost closes the relay', async () => {
      const { socket, relay } = await connect();
      relay.ws.close(4000, 'target refused: connection refused');
      const closed = await socket.closed;
      assert.equal(closed.code, 4000);
      assert.equal(closed.reason, 'target refused: connection refused');
    });

    it('closes both sides within a second when the token is deleted, expires, or the user signs out', async () => {
      const cases: Array<[string, (c: Awaited<ReturnType<typeof connect>>) => Promise<void>, RegExp]> = [
        [
          'deleted',
          async () => {
            const tokens = (
              await api.get(`/api/v3/rac/connection_tokens/?endpoint=${endpoints.vnc}`)
            ).json() as {
              results: Array<{ pk: string; user: { username: string } }>;
            };
            const mine = tokens.results.find((r) => r.user.username === 'rac-ben');
            assert.equal((await api.delete(`/api/v3/rac/connection_tokens/${mine?.pk}/`)).statusCode, 204);
          },
          /closed/,
        ],
        [
          'expired',
          async (c) => {
            await t.db.query('UPDATE rac_connection_tokens SET expires = now() WHERE token_digest = $1', [
              t.ctx.box.digest(c.token),
            ]);
          },
          /expired/,
        ],
        ['signed out', async (c) => void (await c.browser.submit(SIGN_OUT, {})), /signed out/],
      ];
      for (const [name, end, reason] of cases) {
        const connection = await connect('rac-ben');
        const started = Date.now();
        await end(connection);
        const [browserClosed, relayClosed] = await Promise.all([
          connection.socket.closed,
          connection.relay.closed,
        ]);
        assert.equal(browserClosed.code, 4000, name);
        assert.match(browserClosed.reason, reason, name);
        assert.deepEqual(connection.relay.frames.at(-1), { text: '0.authentik.disconnect' }, name);
        for (const closed of [browserClosed, relayClosed])
          assert.ok(closed.at - started <= 1000, `${name}: closed after ${closed.at - started} ms`);
      }
    });

    it('refuses bad sockets with a logged reason and leaves the live connection alone', async () => {
      const live = await connect();
      const anna = await signIn('rac-anna');
      const annasToken = await launch(anna);
      const ben = await signIn('rac-ben');
      // The browser socket: no session, another user's token, a token of no one.
      assert.equal(await racHandshakeStatus(browserSocketUrl(base, annasToken), {}), 401);
      assert.equal(await racHandshakeStatus(browserSocketUrl(base, annasToken), cookieOf(ben)), 403);
      assert.equal(await racHandshakeStatus(browserSocketUrl(base, 'A'.repeat(43)), cookieOf(anna)), 403);
      // The relay socket: no token, a wrong one, another outpost's, a used channel, an unknown channel.
      const relayUrl = relaySocketUrl(base, live.channel);
      assert.equal(await racHandshakeStatus(relayUrl, {}), 401);
      assert.equal(await racHandshakeStatus(relayUrl, { authorization: 'Bearer wrong' }), 401);
      assert.equal(
        await racHandshakeStatus(relayUrl, { authorization: `Bearer ${otherOutpost.token}` }),
        403,
      );
      assert.equal(await racHandshakeStatus(relayUrl, { authorization: `Bearer ${outpost.token}` }), 403);
      assert.equal(
        await racHandshakeStatus(relaySocketUrl(base, 'no-such-channel'), {
          authorization: `Bearer ${outpost.token}`,
        }),
        404,
      );
      // A link from a "replica" that does not know the secret key.
      assert.equal(
        await racHandshakeStatus(`${base.replace(/^http/, 'ws')}/ws/rac_link/${live.channel}/`, {
          'x-palisade-rac-link': `${Date.now()}.${'0'.repeat(64)}`,
        }),
        401,
      );
      // An expired token: refused at the page's socket.
      await t.db.query('UPDATE rac_connection_tokens SET expires = now() WHERE token_digest = $1', [
        t.ctx.box.digest(annasToken),
      ]);
      assert.equal(await racHandshakeStatus(browserSocketUrl(base, annasToken), cookieOf(anna)), 403);
      const reasons = logs
        .lines()
        .filter((l) => l.msg === 'rac websocket refused')
        .map((l) => l.reason);
      for (const reason of [
        'no live login session',
        "connection token unknown, expired or another session's",
        'channel was not offered to this outpost',
        'channel already paired (a used channel)',
        'no such channel',
        'replica link proof missing, stale or wrong',
      ])
        assert.ok(reasons.includes(reason), `logged: ${reason}; got ${JSON.stringify(reasons)}`);
      // The live connection still relays.
      live.relay.ws.send('still here');
      assert.deepEqual((await live.socket.waitForFrames(1))[0], { text: 'still here' });
      live.socket.ws.close();
      await live.relay.closed;
    });

    it('deletes the token when the browser leaves if the provider says so', async () => {
      await api.patch(`/api/v3/providers/rac/${providerPk}/`, { delete_token_on_disconnect: true });
      try {
        const { token, socket, relay } = await connect();
        socket.ws.close();
        await relay.closed;
        const deadline = Date.now() + 2000;
        let left = 1;
        while (left > 0 && Date.now() < deadline) {
          left = (
            await t.db.query('SELECT 1 FROM rac_connection_tokens WHERE token_digest = $1', [
              t.ctx.box.digest(token),
            ])
          ).length;
          if (left > 0) await new Promise((resolve) => setTimeout(resolve, 50));
        }
        assert.equal(left, 0, 'the token is gone');
      } finally {
        await api.patch(`/api/v3/providers/rac/${providerPk}/`, { delete_token_on_disconnect: false });
      }
    });

    it('closes a browser that floods input before the outpost is there, and holds no more of it', async () => {
      const browser = await signIn('rac-anna');
      const token = await launch(browser);
      const socket = await openRacSocket(browserSocketUrl(base, token), cookieOf(browser));
      // Nobody dials the relay: every frame is held until the bound is passed.
      for (let i = 0; i < 100; i++) socket.ws.send(Buffer.alloc(4096, i));
      const closed = await socket.closed;
      assert.equal(closed.code, 4000);
      assert.match(closed.reason, /too much input/);
    });

    it('tells the browser when no outpost instance can take the connection', async () => {
      const browser = await signIn('rac-anna');
      const token = await launch(browser);
      await t.db.query('DELETE FROM outpost_providers WHERE provider_id = $1', [providerPk]);
      try {
        const socket = await openRacSocket(browserSocketUrl(base, token), cookieOf(browser));
        const closed = await socket.closed;
        assert.equal(closed.code, 4000);
        assert.match(closed.reason, /no RAC outpost/);
      } finally {
        await t.db.query('INSERT INTO outpost_providers (outpost_uuid, provider_id) VALUES ($1, $2)', [
          outpost.uuid,
          providerPk,
        ]);
      }
    });
  });
}
