import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import { describe, it } from 'node:test';
import { WebSocketServer, type WebSocket } from 'ws';
import { realTimers, type Timers } from '../src/process/timers.ts';
import { connectCoreSocket } from '../src/process/websocket.ts';
import { recordingLog } from './support/log.ts';

const until = async (check: () => boolean, what: string) => {
  for (const start = Date.now(); !check(); await new Promise((r) => setTimeout(r, 10))) {
    if (Date.now() - start > 10_000) throw new Error(`timed out waiting for ${what}`);
  }
};

// A bare ws server stands in for the core here, to send what the real core never sends (unknown
// instructions, garbage) and to stay away long enough to reach the backoff's cap.
describe('the outpost websocket', () => {
  it('connects under the host path, says HELLO, dispatches instructions and ignores the rest', async () => {
    const server = new WebSocketServer({ port: 0, host: '127.0.0.1' });
    await new Promise((resolve) => server.once('listening', resolve));
    const port = (server.address() as { port: number }).port;
    const upgrades: IncomingMessage[] = [];
    const hellos: unknown[] = [];
    let peer: WebSocket | undefined;
    server.on('connection', (ws, req) => {
      upgrades.push(req);
      peer = ws;
      ws.on('message', (data) => hellos.push(JSON.parse(String(data))));
    });
    let triggers = 0;
    const ended: string[] = [];
    const socket = connectCoreSocket({
      host: new URL(`http://127.0.0.1:${port}/prefix/?region=eu`),
      token: 'the-token',
      insecure: false,
      userAgent: 'goauthentik.io/outpost/test',
      outpostPk: '0b3f5c9e-1111-4222-8333-444455556666',
      instanceUuid: 'instance-1',
      hello: () => ({ version: 'test', hostname: 'here' }),
      onTriggerUpdate: () => void triggers++,
      onSessionEnd: (sid) => void ended.push(sid),
      onReconnected: () => {},
      onConnectionChange: () => {},
      log: recordingLog(),
      reloadOffsetMs: 100,
    });
    try {
      await until(() => hellos.length === 1 && peer !== undefined, 'HELLO');
      const req = upgrades[0];
      assert.equal(
        req?.url,
        '/prefix/ws/outpost/0b3f5c9e-1111-4222-8333-444455556666/?region=eu&instance_uuid=instance-1&attempt=1',
      );
      assert.equal(req?.headers.authorization, 'Bearer the-token');
      assert.equal(req?.headers['user-agent'], 'goauthentik.io/outpost/test');
      assert.deepEqual(hellos[0], { instruction: 1, args: { version: 'test', hostname: 'here' } });
      for (const frame of [
        'not json',
        '{"instruction":99,"args":{}}',
        '{"instruction":0}',
        '{"instruction":3}',
      ]) {
        peer?.send(frame);
      }
      for (let i = 0; i < 3; i++) peer?.send('{"instruction":2,"args":{}}');
      peer?.send(
        JSON.stringify({ instruction: 4, args: { type: 'event.session.end', session_id: 'ab'.repeat(32) } }),
      );
      peer?.send(JSON.stringify({ instruction: 4, args: {} }));
      await until(() => ended.length === 1 && triggers === 1, 'the instructions');
      await new Promise((resolve) => setTimeout(resolve, 200));
      assert.equal(triggers, 1, 'triggers within the reload offset make one refresh');
      assert.deepEqual(ended, ['ab'.repeat(32)]);
      assert.equal(socket.connected, true);
    } finally {
      await socket.close();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('backs off from 1 s, doubling, to at most 5 min while the core is away', async () => {
    const delays: number[] = [];
    const timers: Timers = {
      ...realTimers,
      setTimeout(fn, ms) {
        delays.push(ms);
        return realTimers.setTimeout(fn, 1);
      },
    };
    // Nothing listens on port 9 of the loopback: every attempt is refused.
    const socket = connectCoreSocket({
      host: new URL('http://127.0.0.1:9/'),
      token: 't',
      insecure: false,
      userAgent: 'ua',
      outpostPk: 'p',
      instanceUuid: 'i',
      hello: () => ({}),
      onTriggerUpdate: () => {},
      onSessionEnd: () => {},
      onReconnected: () => {},
      onConnectionChange: () => {},
      log: recordingLog(),
      reloadOffsetMs: 0,
      timers,
    });
    await until(() => delays.length >= 11, 'eleven reconnects');
    await socket.close();
    assert.deepEqual(
      delays.slice(0, 11),
      [1000, 2000, 4000, 8000, 16000, 32000, 64000, 128000, 256000, 300000, 300000],
    );
    assert.ok(socket.attempts >= 11);
  });
});
