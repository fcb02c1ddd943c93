// Proxy mode upgrades: websockets pass through with the same header rules; refusals and failures relayed.
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { after, before, describe, test } from 'node:test';
import { WebSocket, WebSocketServer } from 'ws';
import type { UpstreamRequest } from '../src/proxy/types.ts';
import { close, frontServer, listen, provider, testProxy, upstreamFor } from './reverse-proxy-fixtures.ts';

/** The first answer to a websocket handshake that is not a 101, with its body. */
function refusal(
  ws: WebSocket,
): Promise<{ status: number; headers: IncomingMessage['headers']; body: string }> {
  return new Promise((resolve, reject) => {
    ws.on('open', () => reject(new Error('unexpectedly upgraded')));
    ws.on('error', () => {});
    ws.on('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
  });
}

describe('reverse proxy: upgrades', () => {
  let upstream: Server;
  let wss: WebSocketServer;
  let front: Server;
  let frontPort: number;
  let upstreamPort: number;
  let current: UpstreamRequest;
  const upstreamClosed: number[] = [];

  before(async () => {
    upstream = createServer((_req, res) => res.end('plain'));
    wss = new WebSocketServer({ noServer: true });
    upstream.on('upgrade', (req, socket, head) => {
      if (req.url?.startsWith('/forbidden')) {
        socket.end('HTTP/1.1 403 Forbidden\r\nContent-Length: 6\r\nConnection: close\r\n\r\nno way');
        return;
      }
      wss.handleUpgrade(req, socket, head, (ws) => {
        if (req.url === '/drop') {
          ws.terminate(); // the upstream dies without a close frame
          return;
        }
        // First message: what the upstream saw of the handshake; then an echo.
        ws.send(JSON.stringify({ url: req.url, headers: req.headers }));
        ws.on('message', (data, isBinary) => ws.send(data, { binary: isBinary }));
        ws.on('close', (code) => upstreamClosed.push(code));
      });
    });
    upstreamPort = await listen(upstream);
    const { proxy } = testProxy();
    front = frontServer(proxy, () => current);
    frontPort = await listen(front);
  });
  after(async () => {
    wss.close();
    await Promise.all([close(front), close(upstream)]);
  });

  test('passes a websocket through with identity headers set and spoofed ones dropped', async () => {
    current = upstreamFor(provider(`http://127.0.0.1:${upstreamPort}`));
    const ws = new WebSocket(`ws://127.0.0.1:${frontPort}/socket?room=1`, {
      headers: {
        'X-Authentik-Username': 'mallory',
        X_AUTHENTIK_USERNAME: 'mallory',
        'X-Forwarded-For': '6.6.6.6',
        Cookie: 'authentik_proxy_0123abcd=s; a=1',
      },
    });
    const messages: { data: Buffer; isBinary: boolean }[] = [];
    const waiters: (() => void)[] = [];
    ws.on('message', (data: Buffer, isBinary) => {
      messages.push({ data, isBinary });
      waiters.shift()?.();
    });
    const nextMessage = async () => {
      if (messages.length === 0) await new Promise<void>((resolve) => waiters.push(resolve));
      const message = messages.shift();
      assert.ok(message);
      return message;
    };
    await new Promise((resolve, reject) => {
      ws.on('open', resolve);
      ws.on('error', reject);
    });

    const seen = JSON.parse((await nextMessage()).data.toString()) as {
      url: string;
      headers: Record<string, string>;
    };
    assert.equal(seen.url, '/socket?room=1');
    assert.equal(seen.headers['x-authentik-username'], 'alice');
    assert.equal(seen.headers['x-forwarded-for'], '203.0.113.7');
    assert.equal(seen.headers.cookie, 'a=1');
    assert.equal(seen.headers.host, 'app.example.test');
    assert.equal(seen.headers.upgrade, 'websocket');
    assert.ok(!Object.keys(seen.headers).some((name) => name.includes('_')));

    ws.send('hello');
    assert.equal((await nextMessage()).data.toString(), 'hello');
    const big = Buffer.alloc(2 * 1024 * 1024, 7);
    ws.send(big);
    const echoed = await nextMessage();
    assert.equal(echoed.isBinary, true);
    assert.ok(echoed.data.equals(big));

    ws.close(4001);
    await new Promise((resolve) => ws.on('close', resolve));
    while (!upstreamClosed.includes(4001)) await new Promise((r) => setTimeout(r, 10));
  });

  test('closes the client side when the upstream connection dies', async () => {
    current = upstreamFor(provider(`http://127.0.0.1:${upstreamPort}`));
    const ws = new WebSocket(`ws://127.0.0.1:${frontPort}/drop`);
    ws.on('error', () => {});
    const code = await new Promise<number>((resolve) => ws.on('close', resolve));
    assert.equal(code, 1006); // abnormal closure: the TCP connection went away
  });

  test("relays the upstream's refusal of an upgrade and closes", async () => {
    current = upstreamFor(provider(`http://127.0.0.1:${upstreamPort}`));
    const answer = await refusal(new WebSocket(`ws://127.0.0.1:${frontPort}/forbidden`));
    assert.equal(answer.status, 403);
    assert.equal(answer.body, 'no way');
    assert.equal(answer.headers['x-powered-by'], 'goauthentik.io');
  });

  test('answers 502 when the upstream is down', async () => {
    const gone = createServer();
    const port = await listen(gone);
    await close(gone);
    current = upstreamFor(provider(`http://127.0.0.1:${port}`));
    const answer = await refusal(new WebSocket(`ws://127.0.0.1:${frontPort}/`));
    assert.equal(answer.status, 502);
    assert.match(answer.body, /Failed to connect to backend\./);
    assert.equal(
      answer.headers['content-security-policy'],
      "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
    );
  });
});
