// Proxy mode streams: large uploads, slow chunked answers, trailers, 100-continue, HEAD, client aborts.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { Agent, createServer, type IncomingMessage, request, type Server } from 'node:http';
import { Readable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import {
  close,
  type Echo,
  echoServer,
  frontServer,
  headerValues,
  listen,
  provider,
  send,
  testProxy,
  upstreamFor,
} from './reverse-proxy-fixtures.ts';

/** Resolves on the next `event` of an emitter. */
function next<T>(emitter: NodeJS.EventEmitter, event: string): Promise<T> {
  return new Promise((resolve) => emitter.once(event, resolve));
}

describe('reverse proxy: streaming', () => {
  let echo: Server;
  let special: Server;
  let front: Server;
  let echoFront: Server;
  let frontPort: number;
  let echoFrontPort: number;
  let release: () => void = () => {};
  let upstreamRequests: IncomingMessage[] = [];
  const { proxy } = testProxy();

  before(async () => {
    echo = echoServer();
    special = createServer((req, res) => {
      upstreamRequests.push(req);
      if (req.url === '/slow') {
        res.writeHead(200, { 'Content-Type': 'text/plain' });
        res.write('first;');
        release = () => res.end('second');
      } else if (req.url === '/trailers') {
        res.writeHead(200, { Trailer: 'X-Checksum' });
        res.write('body');
        res.addTrailers({ 'X-Checksum': 'abc123' });
        res.end();
      } else if (req.url === '/head') {
        res.writeHead(200, { 'Content-Length': '1234', 'X-Kind': 'head' });
        res.end();
      } else if (req.url === '/hang') {
        // never answers
      } else {
        res.writeHead(req.url === '/no-content' ? 204 : 304, { ETag: '"v1"' });
        res.end();
      }
    });
    // Decides on 100 (Continue) itself: refuses uploads to /refuse before their body is sent.
    special.on('checkContinue', (req, res) => {
      upstreamRequests.push(req);
      if (req.url === '/refuse') {
        res.writeHead(413, { 'Content-Length': '8', Connection: 'close' });
        res.end('too big!');
        return;
      }
      res.writeContinue();
      let body = '';
      req.on('data', (chunk) => (body += chunk));
      req.on('end', () => res.end(`continued:${body}:${req.headers.expect}`));
    });
    const echoPort = await listen(echo);
    const specialPort = await listen(special);
    front = frontServer(proxy, () => upstreamFor(provider(`http://127.0.0.1:${specialPort}`)));
    echoFront = frontServer(proxy, () => upstreamFor(provider(`http://127.0.0.1:${echoPort}`, { pk: 2 })));
    frontPort = await listen(front);
    echoFrontPort = await listen(echoFront);
  });
  after(async () => {
    await Promise.all([close(front), close(echoFront), close(echo), close(special)]);
  });

  const upload = (headers: string[], size: number) => {
    const chunk = Buffer.alloc(64 * 1024);
    const hash = createHash('sha256');
    let sent = 0;
    const body = new Readable({
      read() {
        if (sent >= size) return this.push(null);
        chunk.fill(sent % 251);
        hash.update(chunk);
        sent += chunk.length;
        this.push(Buffer.from(chunk));
      },
    });
    return new Promise<{ echo: Echo; sha256: string }>((resolve, reject) => {
      const req = request({
        host: '127.0.0.1',
        port: echoFrontPort,
        method: 'PUT',
        path: '/upload',
        headers,
      });
      req.on('error', reject);
      req.on('response', (res) => {
        let text = '';
        res.on('data', (c) => (text += c));
        res.on('end', () => resolve({ echo: JSON.parse(text) as Echo, sha256: hash.digest('hex') }));
      });
      body.pipe(req);
    });
  };

  test('streams a 20 MB chunked upload to the upstream intact', async () => {
    const size = 20 * 1024 * 1024;
    const { echo: e, sha256 } = await upload(['Host', 'a', 'Transfer-Encoding', 'chunked'], size);
    assert.equal(e.bodyLength, size);
    assert.equal(e.bodySha256, sha256);
  });

  test('streams a 20 MB upload with Content-Length, which passes unchanged', async () => {
    const size = 20 * 1024 * 1024;
    const { echo: e, sha256 } = await upload(['Host', 'a', 'Content-Length', String(size)], size);
    assert.deepEqual(headerValues(e.rawHeaders, 'content-length'), [String(size)]);
    assert.deepEqual(headerValues(e.rawHeaders, 'transfer-encoding'), []);
    assert.equal(e.bodySha256, sha256);
  });

  test('passes on the first bytes of a slow chunked answer before the upstream has finished', async () => {
    const req = request({ host: '127.0.0.1', port: frontPort, path: '/slow', headers: ['Host', 'a'] });
    req.end();
    const res = await next<IncomingMessage>(req, 'response');
    assert.equal(res.statusCode, 200);
    assert.equal(res.headers['transfer-encoding'], 'chunked');
    const first = await next<Buffer>(res, 'data');
    assert.equal(first.toString(), 'first;'); // the upstream is still holding its response open
    let rest = '';
    res.on('data', (c) => (rest += c));
    const ended = next(res, 'end');
    release();
    await ended;
    assert.equal(rest, 'second');
  });

  test('passes response and request trailers on', async () => {
    const res = await send(frontPort, { path: '/trailers', headers: ['Host', 'a', 'TE', 'trailers'] });
    assert.equal(res.body, 'body');
    assert.deepEqual(res.rawTrailers, ['X-Checksum', 'abc123']);
    assert.deepEqual(headerValues(res.rawHeaders, 'trailer'), ['X-Checksum']);

    const e = await new Promise<Echo>((resolve, reject) => {
      const req = request({
        host: '127.0.0.1',
        port: echoFrontPort,
        method: 'POST',
        headers: ['Host', 'a', 'Transfer-Encoding', 'chunked', 'Trailer', 'X-Digest'],
      });
      req.on('error', reject);
      req.on('response', (r) => {
        let text = '';
        r.on('data', (c) => (text += c));
        r.on('end', () => resolve(JSON.parse(text) as Echo));
      });
      req.write('payload');
      req.addTrailers({ 'X-Digest': 'sha-256=xyz' });
      req.end();
    });
    assert.equal(e.body, 'payload');
    assert.deepEqual(e.trailers, ['X-Digest', 'sha-256=xyz']);
  });

  const expectContinue = (path: string) =>
    new Promise<{ continued: boolean; status: number; body: string }>((resolve, reject) => {
      const req = request({
        host: '127.0.0.1',
        port: frontPort,
        method: 'POST',
        path,
        headers: ['Host', 'a', 'Content-Length', '4', 'Expect', '100-continue'],
      });
      let continued = false;
      req.on('error', reject);
      req.on('continue', () => {
        continued = true;
        req.end('data');
      });
      req.on('response', (res) => {
        let body = '';
        res.on('data', (c) => (body += c));
        res.on('end', () => resolve({ continued, status: res.statusCode ?? 0, body }));
      });
    });

  test("relays the upstream's 100 (Continue), and its refusal before any body is sent", async () => {
    const accepted = await expectContinue('/accept');
    assert.deepEqual(accepted, { continued: true, status: 200, body: 'continued:data:100-continue' });
    const refused = await expectContinue('/refuse');
    assert.deepEqual(refused, { continued: false, status: 413, body: 'too big!' });
  });

  test('answers HEAD with the upstream headers and no body, and keeps the connection usable', async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const head = await new Promise<IncomingMessage & { text?: string }>((resolve, reject) => {
        const req = request({ host: '127.0.0.1', port: frontPort, method: 'HEAD', path: '/head', agent });
        req.on('error', reject);
        req.on('response', (res) => {
          res.resume();
          res.on('end', () => resolve(res));
        });
        req.end();
      });
      assert.equal(head.statusCode, 200);
      assert.equal(head.headers['content-length'], '1234');
      assert.equal(head.headers['x-kind'], 'head');
      for (const path of ['/no-content', '/not-modified']) {
        const res = await new Promise<IncomingMessage>((resolve, reject) => {
          const req = request({ host: '127.0.0.1', port: frontPort, path, agent });
          req.on('error', reject);
          req.on('response', (r) => {
            r.resume();
            r.on('end', () => resolve(r));
          });
          req.end();
        });
        assert.equal(res.statusCode, path === '/no-content' ? 204 : 304);
        assert.equal(res.headers.etag, '"v1"');
      }
    } finally {
      agent.destroy();
    }
  });

  test('a client that goes away aborts the upstream request', async () => {
    upstreamRequests = [];
    const req = request({ host: '127.0.0.1', port: frontPort, path: '/hang', headers: ['Host', 'a'] });
    req.on('error', () => {});
    req.end();
    while (upstreamRequests.length === 0) await new Promise((r) => setTimeout(r, 10));
    const upstreamSide = upstreamRequests[0];
    assert.ok(upstreamSide);
    const closed = next(upstreamSide.socket, 'close');
    req.destroy();
    await closed; // the upstream connection is closed, not left in the pool
  });

  test('a client that leaves mid-response closes the upstream response', async () => {
    upstreamRequests = [];
    const req = request({ host: '127.0.0.1', port: frontPort, path: '/slow', headers: ['Host', 'a'] });
    req.on('error', () => {});
    req.end();
    const res = await next<IncomingMessage>(req, 'response');
    await next(res, 'data');
    const upstreamSocket = upstreamRequests[0]?.socket;
    assert.ok(upstreamSocket);
    const closed = next(upstreamSocket, 'close');
    req.destroy();
    await closed;
  });
});

describe('reverse proxy: forwarding after the runtime awaited something', () => {
  test('a body waits in the request until forward(), and a drained body-less request still goes out', async () => {
    const echo = echoServer();
    const echoPort = await listen(echo);
    const { proxy } = testProxy();
    const route = () => upstreamFor(provider(`http://127.0.0.1:${echoPort}`));
    const front = createServer((req, res) => {
      // A session lookup in the store, say; a GET's empty body may have been drained meanwhile.
      if (req.method === 'GET') req.resume();
      setTimeout(() => proxy.forward(req, res, route()), 30);
    });
    const frontPort = await listen(front);
    try {
      const posted = await send(frontPort, {
        method: 'POST',
        headers: ['Host', 'a', 'Content-Length', '4'],
        body: 'late',
      });
      assert.equal((JSON.parse(posted.body) as Echo).body, 'late');
      const got = await send(frontPort, {});
      assert.equal((JSON.parse(got.body) as Echo).method, 'GET');
    } finally {
      await Promise.all([close(front), close(echo)]);
    }
  });
});
