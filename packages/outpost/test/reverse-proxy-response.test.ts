// Proxy mode's answer to the client: hop-by-hop fields stripped, X-Powered-By, the runtime's cookies kept.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { after, before, describe, test } from 'node:test';
import {
  close,
  headerValues,
  listen,
  provider,
  send,
  testProxy,
  upstreamFor,
} from './reverse-proxy-fixtures.ts';

describe('reverse proxy: the response', () => {
  let upstream: Server;
  let front: Server;
  let frontPort: number;

  before(async () => {
    upstream = createServer((_req, res) => {
      res.writeHead(201, [
        'Connection',
        'X-Resp-Hop',
        'X-Resp-Hop',
        'secret',
        'Keep-Alive',
        'timeout=99',
        'Proxy-Authenticate',
        'Basic realm="x"',
        'Proxy-Connection',
        'keep-alive',
        'Upgrade',
        'h2c',
        'X-Powered-By',
        'Express',
        'Set-Cookie',
        'app=1; Path=/',
        'Set-Cookie',
        'other=2; Path=/',
        'Content-Type',
        'text/plain',
      ]);
      res.end('created');
    });
    const upstreamPort = await listen(upstream);
    const { proxy } = testProxy();
    const route = () => upstreamFor(provider(`http://127.0.0.1:${upstreamPort}`));
    // The runtime may have set a cookie already (header authentication refreshed the session).
    front = createServer((req, res) => {
      res.setHeader('Set-Cookie', 'authentik_proxy_0123abcd=new; Path=/');
      res.setHeader('Content-Type', 'text/html');
      proxy.forward(req, res, route());
    });
    frontPort = await listen(front);
  });
  after(async () => {
    await Promise.all([close(front), close(upstream)]);
  });

  test('strips hop-by-hop response headers and says X-Powered-By: goauthentik.io', async () => {
    const res = await send(frontPort, {});
    assert.equal(res.status, 201);
    assert.equal(res.body, 'created');
    for (const name of ['x-resp-hop', 'proxy-authenticate', 'proxy-connection', 'upgrade']) {
      assert.deepEqual(headerValues(res.rawHeaders, name), [], name);
    }
    assert.ok(!headerValues(res.rawHeaders, 'keep-alive').includes('timeout=99'));
    assert.ok(!headerValues(res.rawHeaders, 'connection').join().toLowerCase().includes('x-resp-hop'));
    assert.deepEqual(headerValues(res.rawHeaders, 'x-powered-by'), ['goauthentik.io']);
    assert.deepEqual(headerValues(res.rawHeaders, 'content-type'), ['text/plain']);
    assert.deepEqual(headerValues(res.rawHeaders, 'set-cookie').sort(), [
      'app=1; Path=/',
      'authentik_proxy_0123abcd=new; Path=/',
      'other=2; Path=/',
    ]);
  });
});
