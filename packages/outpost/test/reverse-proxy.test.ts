// Proxy mode's upstream request: target, Host, forwarding and identity headers, hop-by-hop fields, cookies.
import assert from 'node:assert/strict';
import type { Server } from 'node:http';
import { after, before, beforeEach, describe, test } from 'node:test';
import type { UpstreamRequest } from '../src/proxy/types.ts';
import {
  close,
  type Echo,
  echoServer,
  frontServer,
  headerValues,
  listen,
  provider,
  rawBody,
  type Recorded,
  send,
  sendRaw,
  testProxy,
  upstreamFor,
  withAkProxy,
} from './reverse-proxy-fixtures.ts';

describe('reverse proxy: the upstream request', () => {
  let upstream: Server;
  let other: Server;
  let front: Server;
  let upstreamPort: number;
  let otherPort: number;
  let frontPort: number;
  let recorded: Recorded;
  let current: UpstreamRequest;
  const defaults = () => upstreamFor(provider(`http://127.0.0.1:${upstreamPort}/ignored/path`));

  before(async () => {
    upstream = echoServer('upstream');
    other = echoServer('override');
    upstreamPort = await listen(upstream);
    otherPort = await listen(other);
    const made = testProxy();
    recorded = made.recorded;
    front = frontServer(made.proxy, () => current);
    frontPort = await listen(front);
  });
  after(async () => {
    await Promise.all([close(front), close(upstream), close(other)]);
  });
  beforeEach(() => {
    current = defaults();
    recorded.logs.length = 0;
    recorded.upstream.length = 0;
  });

  const echo = async (options: Parameters<typeof send>[1]): Promise<Echo> => {
    const res = await send(frontPort, options);
    assert.equal(res.status, 200, res.body);
    return JSON.parse(res.body) as Echo;
  };
  const only = (e: Echo, name: string) => {
    const values = headerValues(e.rawHeaders, name);
    assert.equal(values.length, 1, `${name}: ${JSON.stringify(values)}`);
    return values[0];
  };

  test("keeps the request's method, path and query and ignores internal_host's path", async () => {
    const e = await echo({ method: 'PATCH', path: '/a/b%20c/?x=1&y=%2F&x=2', body: 'hi' });
    assert.equal(e.name, 'upstream');
    assert.equal(e.method, 'PATCH');
    assert.equal(e.url, '/a/b%20c/?x=1&y=%2F&x=2');
    assert.equal(e.body, 'hi');
  });

  test("sends the client's original host as Host (spec §6.1 step 3)", async () => {
    current = { ...defaults(), clientHost: 'frontend.example.test:8443' };
    const e = await echo({ headers: ['Host', 'ignored.example.test'] });
    assert.equal(only(e, 'host'), 'frontend.example.test:8443');
  });

  test('ak_proxy.host_header replaces the Host header', async () => {
    current = withAkProxy(defaults(), { host_header: 'internal.example.test' });
    const e = await echo({});
    assert.equal(only(e, 'host'), 'internal.example.test');
    assert.equal(only(e, 'x-forwarded-host'), 'app.example.test');
  });

  test('a host_header that cannot be sent is ignored', async () => {
    current = withAkProxy(defaults(), { host_header: 'evil.test\r\nX-Injected: 1' });
    const e = await echo({});
    assert.equal(only(e, 'host'), 'app.example.test');
    assert.deepEqual(headerValues(e.rawHeaders, 'x-injected'), []);
  });

  test("ak_proxy.backend_override sends this user's requests to another origin", async () => {
    const override = `http://127.0.0.1:${otherPort}/path-ignored`;
    current = withAkProxy(defaults(), { backend_override: override });
    const e = await echo({ path: '/x?y=1' });
    assert.equal(e.name, 'override');
    assert.equal(e.url, '/x?y=1');
    assert.deepEqual(recorded.upstream[0]?.labels, {
      method: 'GET',
      scheme: 'https',
      host: 'app.example.test',
      upstream_host: `127.0.0.1:${otherPort}`,
    });
  });

  test('an unparsable backend_override is ignored with a warning', async () => {
    for (const override of ['not a url', 'ftp://127.0.0.1/']) {
      current = withAkProxy(defaults(), { backend_override: override });
      const e = await echo({});
      assert.equal(e.name, 'upstream');
      assert.ok(recorded.logs.some((l) => l.level === 'warn' && JSON.stringify(l.obj).includes(override)));
    }
  });

  test('strips hop-by-hop request headers, those named by Connection included (RFC 9110 §7.6.1)', async () => {
    const e = await echo({
      method: 'POST',
      headers: [
        'Host',
        'app.example.test',
        'Connection',
        'keep-alive, X-Hop-A',
        'X-Hop-A',
        'secret',
        'Keep-Alive',
        'timeout=99',
        'Proxy-Connection',
        'keep-alive',
        'TE',
        'gzip',
        'Upgrade',
        'h2c',
        'Proxy-Authorization',
        'Basic Zm9vOmJhcg==',
        'Trailer',
        'X-Checksum',
        'Transfer-Encoding',
        'chunked',
        'X-End-To-End',
        'kept',
      ],
      body: 'chunked body',
    });
    for (const name of [
      'x-hop-a',
      'keep-alive',
      'proxy-connection',
      'te',
      'upgrade',
      'proxy-authorization',
    ]) {
      assert.deepEqual(headerValues(e.rawHeaders, name), [], name);
    }
    assert.ok(!headerValues(e.rawHeaders, 'connection').join().toLowerCase().includes('x-hop-a'));
    // Re-framed for this hop, its trailer announcement kept.
    assert.equal(only(e, 'transfer-encoding'), 'chunked');
    assert.equal(only(e, 'trailer'), 'X-Checksum');
    assert.equal(only(e, 'x-end-to-end'), 'kept');
    assert.equal(e.body, 'chunked body');
  });

  test('a Connection option cannot remove the body framing (no smuggled body)', async () => {
    const e = await echo({
      method: 'POST',
      headers: ['Host', 'app.example.test', 'Connection', 'Content-Length', 'Content-Length', '5'],
      body: 'hello',
    });
    assert.equal(only(e, 'content-length'), '5');
    assert.equal(e.body, 'hello');
  });

  test('TE: trailers is passed on as the only TE value (RFC 9110 §10.1.4)', async () => {
    const e = await echo({ headers: ['Host', 'a', 'TE', 'gzip, trailers', 'Connection', 'TE'] });
    assert.equal(only(e, 'te'), 'trailers');
  });

  test('a body-less POST goes out with Content-Length: 0', async () => {
    // node:http's client would chunk an empty POST, so this one is written by hand.
    const e = rawBody<Echo>(
      await sendRaw(frontPort, 'POST / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n'),
    );
    assert.equal(only(e, 'content-length'), '0');
    assert.deepEqual(headerValues(e.rawHeaders, 'transfer-encoding'), []);
  });

  test('rebuilds X-Forwarded-For/-Host/-Proto and drops what the client claimed', async () => {
    const e = await echo({
      headers: [
        'Host',
        'app.example.test',
        'X-Forwarded-For',
        '6.6.6.6',
        'X-Forwarded-Host',
        'evil.example.test',
        'X-Forwarded-Proto',
        'http',
        'X-Forwarded-Port',
        '1',
        'X-Forwarded-Uri',
        '/public',
        'Forwarded',
        'for=6.6.6.6;host=evil',
        'X-Real-IP',
        '6.6.6.6',
      ],
    });
    assert.equal(only(e, 'x-forwarded-for'), '203.0.113.7');
    assert.equal(only(e, 'x-forwarded-host'), 'app.example.test');
    assert.equal(only(e, 'x-forwarded-proto'), 'https');
    for (const name of ['x-forwarded-port', 'x-forwarded-uri', 'forwarded', 'x-real-ip']) {
      assert.deepEqual(headerValues(e.rawHeaders, name), [], name);
    }
  });

  test('client-sent identity headers never reach the upstream, in any spelling (spec §5.1)', async () => {
    const e = await echo({
      headers: [
        'Host',
        'app.example.test',
        'X-Authentik-Username',
        'mallory',
        'X_AUTHENTIK_USERNAME',
        'mallory',
        'x-authentik_groups',
        'admins',
        'X-authentik-meta-app',
        'evil',
        'X-Custom_Header',
        'x',
        'x-authentik-jwt',
        'forged',
      ],
    });
    assert.equal(only(e, 'x-authentik-username'), 'alice');
    assert.equal(only(e, 'x-authentik-groups'), 'admins|staff');
    assert.ok(!JSON.stringify(e.rawHeaders).includes('mallory'));
    for (const name of ['x-authentik-meta-app', 'x-authentik-jwt']) {
      assert.deepEqual(headerValues(e.rawHeaders, name), [], name);
    }
    assert.deepEqual(
      e.rawHeaders.filter((_, i) => i % 2 === 0 && e.rawHeaders[i]?.includes('_')),
      [],
    );
  });

  test('identity headers: underscore names dropped, non-ASCII sent as UTF-8, none without a user', async () => {
    current = {
      ...defaults(),
      identityHeaders: {
        'X-authentik-name': 'Zoë Łukasz',
        X_Extra: 'x',
        'X-Bad': 'a\r\nInjected: 1',
        'Bad Name': 'x',
      },
    };
    let e = await echo({});
    assert.equal(Buffer.from(only(e, 'x-authentik-name') ?? '', 'latin1').toString('utf8'), 'Zoë Łukasz');
    assert.deepEqual(headerValues(e.rawHeaders, 'x_extra'), []);
    assert.deepEqual(headerValues(e.rawHeaders, 'x-bad'), []);
    assert.deepEqual(headerValues(e.rawHeaders, 'injected'), []);
    assert.deepEqual(headerValues(e.rawHeaders, 'bad name'), []);

    current = { ...defaults(), claims: undefined, identityHeaders: {} };
    e = await echo({ headers: ['Host', 'a', 'X-Authentik-Username', 'mallory'] });
    assert.ok(!e.rawHeaders.some((h) => h.toLowerCase().startsWith('x-authentik')));
  });

  test('removes the session cookie and its chunks, keeps every other cookie', async () => {
    const cookie =
      'a=1; authentik_proxy_0123abcd=s; authentik_proxy_0123abcd_1=c; b=2; authentik_proxy_0123abcdX=k';
    let e = await echo({ headers: ['Host', 'a', 'Cookie', cookie] });
    assert.equal(only(e, 'cookie'), 'a=1; b=2; authentik_proxy_0123abcdX=k');
    e = await echo({
      headers: ['Host', 'a', 'Cookie', 'authentik_proxy_0123abcd=s; authentik_proxy_0123abcd_2=c'],
    });
    assert.deepEqual(headerValues(e.rawHeaders, 'cookie'), []);
  });

  test('drops Authorization only when header authentication consumed it', async () => {
    const headers = ['Host', 'a', 'Authorization', 'Bearer abc'];
    let e = await echo({ headers });
    assert.equal(only(e, 'authorization'), 'Bearer abc');
    current = { ...defaults(), consumedAuthorization: true };
    e = await echo({ headers });
    assert.deepEqual(headerValues(e.rawHeaders, 'authorization'), []);
    // Outgoing HTTP Basic (spec §5.2) is an identity header and replaces the client's.
    current = { ...defaults(), identityHeaders: { Authorization: 'Basic Zm9vOmJhcg==' } };
    e = await echo({ headers });
    assert.equal(only(e, 'authorization'), 'Basic Zm9vOmJhcg==');
  });

  test('records the upstream exchange with configured hosts only', async () => {
    await echo({ path: '/secret/path?token=1' });
    assert.equal(recorded.upstream.length, 1);
    assert.deepEqual(recorded.upstream[0]?.labels, {
      method: 'GET',
      scheme: 'https',
      host: 'app.example.test',
      upstream_host: `127.0.0.1:${upstreamPort}`,
    });
    assert.ok((recorded.upstream[0]?.seconds ?? -1) >= 0);
  });
});
