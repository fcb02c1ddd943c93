// Proxy mode failures: the 502 page, upstream TLS verification, timeouts, resets, and pooled connections.
import assert from 'node:assert/strict';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { Socket } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { generateSelfSigned } from '@palisade/x509';
import { renderErrorPage } from '../src/proxy/error-page.ts';
import type { UpstreamRequest } from '../src/proxy/types.ts';
import {
  close,
  echoServer,
  frontServer,
  headerValues,
  listen,
  provider,
  send,
  testProxy,
  upstreamFor,
  withAkProxy,
} from './reverse-proxy-fixtures.ts';

async function closedPort(): Promise<number> {
  const server = createHttpServer();
  const port = await listen(server);
  await close(server);
  return port;
}

const superuser = (upstream: UpstreamRequest) => withAkProxy(upstream, { is_superuser: true });

describe('reverse proxy: failures', () => {
  let front: Server;
  let frontPort: number;
  let current: UpstreamRequest;
  const made = testProxy({ idleTimeoutMs: 300 });

  before(async () => {
    front = frontServer(made.proxy, () => current);
    frontPort = await listen(front);
  });
  after(async () => {
    await close(front);
  });

  test('answers 502 with the plain message when the upstream refuses the connection', async () => {
    const port = await closedPort();
    current = upstreamFor(provider(`http://127.0.0.1:${port}`));
    const res = await send(frontPort, {});
    assert.equal(res.status, 502);
    assert.match(res.body, /<title>Bad Gateway<\/title>/);
    assert.match(res.body, /Failed to connect to backend\./);
    assert.doesNotMatch(res.body, /ECONNREFUSED|127\.0\.0\.1/);
    assert.doesNotMatch(res.body, /<link|<script|src=/); // no external assets
    assert.deepEqual(headerValues(res.rawHeaders, 'content-security-policy'), [
      "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
    ]);
    assert.deepEqual(headerValues(res.rawHeaders, 'x-content-type-options'), ['nosniff']);
    assert.deepEqual(headerValues(res.rawHeaders, 'cache-control'), ['no-store']);
    assert.deepEqual(headerValues(res.rawHeaders, 'content-type'), ['text/html; charset=utf-8']);
    assert.ok(
      made.recorded.logs.some((l) => l.level === 'warn' && JSON.stringify(l.obj).includes('ECONNREFUSED')),
    );
  });

  test('shows the error itself to superusers', async () => {
    const port = await closedPort();
    current = superuser(upstreamFor(provider(`http://127.0.0.1:${port}`)));
    const res = await send(frontPort, {});
    assert.equal(res.status, 502);
    assert.match(
      res.body,
      new RegExp(`Error proxying to upstream server: connect ECONNREFUSED 127\\.0\\.0\\.1:${port}`),
    );
  });

  test('escapes the title and message of the error page', () => {
    const html = renderErrorPage({ title: 'a<b', message: `<script>alert("x")</script> & 'y'` });
    assert.match(html, /<title>a&lt;b<\/title>/);
    assert.match(html, /&lt;script&gt;alert\(&quot;x&quot;\)&lt;\/script&gt; &amp; &#39;y&#39;/);
    assert.doesNotMatch(html, /<script>/);
  });

  test('answers 502 when the upstream host does not resolve, or internal_host is unusable', async () => {
    current = superuser(upstreamFor(provider('http://does-not-exist.invalid')));
    let res = await send(frontPort, {});
    assert.equal(res.status, 502);
    assert.match(res.body, /ENOTFOUND|EAI_AGAIN/);
    current = upstreamFor(provider('not a url'));
    res = await send(frontPort, {});
    assert.equal(res.status, 502);
    assert.match(res.body, /Failed to connect to backend\./);
  });

  test('answers 502 when the upstream stays silent past the idle timeout', async () => {
    const silent = createHttpServer(() => {});
    const port = await listen(silent);
    try {
      current = superuser(upstreamFor(provider(`http://127.0.0.1:${port}`)));
      const res = await send(frontPort, {});
      assert.equal(res.status, 502);
      assert.match(res.body, /upstream idle for 300 ms/);
    } finally {
      await close(silent);
    }
  });

  test('cuts the response short when the upstream resets after answering', async () => {
    const resetting = createHttpServer((_req, res) => {
      res.writeHead(200, { 'Content-Length': '100' });
      res.write('partial');
      setTimeout(() => res.socket?.destroy(), 20);
    });
    const port = await listen(resetting);
    try {
      current = upstreamFor(provider(`http://127.0.0.1:${port}`));
      await assert.rejects(send(frontPort, {}), /aborted|ECONNRESET|socket hang up/);
    } finally {
      await close(resetting);
    }
  });
});

describe('reverse proxy: upstream TLS', () => {
  let upstream: Server;
  let front: Server;
  let frontPort: number;
  let upstreamPort: number;
  let validation = true;
  const made = testProxy();

  before(async () => {
    const keypair = generateSelfSigned({ commonName: '127.0.0.1', validityDays: 1, alg: 'ecdsa' });
    const echo = echoServer('tls');
    upstream = createHttpsServer({ cert: keypair.certificatePem, key: keypair.privateKeyPem }, (req, res) =>
      echo.emit('request', req, res),
    );
    upstreamPort = await listen(upstream);
    // The same provider (pk 1) each time; only its validation flag changes between tests.
    front = frontServer(made.proxy, () =>
      superuser(
        upstreamFor(
          provider(`https://127.0.0.1:${upstreamPort}`, { internal_host_ssl_validation: validation }),
        ),
      ),
    );
    frontPort = await listen(front);
  });
  after(async () => {
    await Promise.all([close(front), close(upstream)]);
  });

  test('refuses a self-signed upstream certificate while validation is on', async () => {
    validation = true;
    const res = await send(frontPort, {});
    assert.equal(res.status, 502);
    assert.match(res.body, /self-signed certificate/);
  });

  test('accepts it when internal_host_ssl_validation is off', async () => {
    validation = false;
    const res = await send(frontPort, { path: '/x?y=1' });
    assert.equal(res.status, 200);
    assert.equal((JSON.parse(res.body) as { name: string; url: string }).url, '/x?y=1');
  });

  test('turning validation back on does not reuse the unverified pooled connection', async () => {
    validation = true;
    const res = await send(frontPort, {});
    assert.equal(res.status, 502);
  });
});

describe('reverse proxy: pooled connections', () => {
  test('retain() closes the keep-alive connections of providers that are gone', async () => {
    const sockets: Socket[] = [];
    const upstream = echoServer();
    upstream.on('connection', (socket: Socket) => sockets.push(socket));
    const upstreamPort = await listen(upstream);
    const { proxy } = testProxy();
    const front = frontServer(proxy, () =>
      upstreamFor(provider(`http://127.0.0.1:${upstreamPort}`, { pk: 7 })),
    );
    const frontPort = await listen(front);
    try {
      assert.equal((await send(frontPort, {})).status, 200);
      assert.equal((await send(frontPort, {})).status, 200);
      assert.equal(sockets.length, 1); // kept alive and reused
      const closed = new Promise((resolve) => sockets[0]?.once('close', resolve));
      proxy.retain(new Set([7]));
      assert.equal(sockets[0]?.destroyed, false);
      proxy.retain(new Set([8]));
      await closed;
    } finally {
      await Promise.all([close(front), close(upstream)]);
    }
  });
});
