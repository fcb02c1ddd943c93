import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { describe, it } from 'node:test';
import { startServer } from '../../src/server.ts';
import { testConfig } from '../support/app.ts';

describe('core shutdown', () => {
  it('cuts a request that is still open when the grace period ends, instead of waiting for it forever', async () => {
    const server = await startServer(testConfig({ PALISADE_LISTEN__HTTP: '127.0.0.1:0' }), {
      shutdownGraceMs: 300,
    });
    const address = server.app.server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    // A client that announces a body and never sends it: its request stays in flight.
    const socket = connect(port, '127.0.0.1');
    await new Promise<void>((resolve) => socket.once('connect', resolve));
    // The server's end of the connection is cut: the client sees the end of the stream.
    const cut = new Promise<void>((resolve) => {
      socket.once('end', () => resolve());
      socket.once('close', () => resolve());
    });
    socket.resume();
    socket.on('error', () => {});
    socket.write(
      'POST /api/v3/core/users/ HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n' +
        'Content-Length: 1000\r\n\r\n{"user',
    );
    // Let the server start reading the request before it is asked to stop.
    await new Promise((resolve) => setTimeout(resolve, 100));
    const started = Date.now();
    await server.close();
    const tookMs = Date.now() - started;
    await cut;
    socket.destroy();
    assert.ok(tookMs >= 250, `close waited for the open request (took ${tookMs} ms)`);
    assert.ok(tookMs < 5_000, `close returned once the grace period ended (took ${tookMs} ms)`);
  });

  it('closes at once when nothing is in flight', async () => {
    const server = await startServer(testConfig({ PALISADE_LISTEN__HTTP: '127.0.0.1:0' }), {
      shutdownGraceMs: 60_000,
    });
    const started = Date.now();
    await server.close();
    assert.ok(Date.now() - started < 5_000);
  });
});
