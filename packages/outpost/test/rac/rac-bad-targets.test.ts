import assert from 'node:assert/strict';
import { createServer, type Server, type Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { closed, type RacHarness, startRacOutpost } from './support/rac-outpost.ts';
import { connectViewer } from './support/rfb-viewer.ts';

const sockets: Socket[] = [];

/** A TCP target that does whatever `behave` does with each connection. */
async function fakeTarget(behave: (socket: Socket) => void): Promise<{ port: number; server: Server }> {
  const server = createServer((socket) => {
    sockets.push(socket);
    behave(socket);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { port: (server.address() as { port: number }).port, server };
}

/** An RFB 3.8 server with security None whose ServerInit is followed by an endless stream of bytes. */
function runaway(socket: Socket) {
  socket.on('error', () => {});
  socket.write('RFB 003.008\n');
  socket.once('data', () => {
    socket.write(Buffer.from([1, 1])); // one security type: None
    socket.once('data', () => {
      socket.write(Buffer.from([0, 0, 0, 0])); // SecurityResult OK
      socket.once('data', () => {
        const init = Buffer.alloc(24);
        init.writeUInt16BE(64, 0);
        init.writeUInt16BE(64, 2);
        socket.write(init);
        const junk = Buffer.alloc(64 * 1024, 7);
        const flood = () => {
          while (!socket.destroyed && socket.write(junk));
          if (!socket.destroyed) socket.once('drain', flood);
        };
        flood();
      });
    });
  });
}

describe('RAC outpost, targets that misbehave', () => {
  let rac: RacHarness;
  const servers: Server[] = [];
  const target = async (behave: (socket: Socket) => void) => {
    const { port, server } = await fakeTarget(behave);
    servers.push(server);
    return { protocol: 'vnc', params: { hostname: '127.0.0.1', port: String(port) } };
  };

  before(async () => {
    rac = await startRacOutpost({ limits: { handshakeMs: 1000, outputBytesPerSecond: 256 * 1024 } });
  });
  after(async () => {
    await rac?.close();
    for (const socket of sockets) socket.destroy();
    for (const server of servers) server.close();
  });

  it('closes with a reason when the target sends garbage instead of RFB', async () => {
    rac.desk.init('garbage', await target((s) => s.end('HTTP/1.1 400 Bad Request\r\n\r\n')));
    const relay = await rac.desk.next();
    assert.deepEqual(await closed(relay.ws), { code: 4000, reason: 'target is not a VNC server' });
  });

  it('closes with "target did not answer" when the target stalls in the handshake', async () => {
    rac.desk.init('stall', await target(() => {}));
    const relay = await rac.desk.next();
    assert.deepEqual(await closed(relay.ws), { code: 4000, reason: 'target did not answer' });
    assert.match(await rac.metrics(), /reason="target_timeout"\} 1/);
  });

  it('slows a runaway target to the byte-rate limit instead of buffering it', async () => {
    rac.desk.init('runaway', await target(runaway));
    const relay = await rac.desk.next();
    let received = 0;
    relay.ws.on('message', (data: Buffer) => (received += data.length));
    await connectViewer(relay.ws);
    const start = received;
    await new Promise((r) => setTimeout(r, 2000));
    const rate = (received - start) / 2;
    // The limit is 256 KiB/s with one second's burst; unthrottled, loopback moves hundreds of MiB/s.
    assert.ok(rate < 3 * 256 * 1024, `relayed ${Math.round(rate / 1024)} KiB/s`);
    assert.ok(rate > 64 * 1024, `still relays: ${Math.round(rate / 1024)} KiB/s`);
    assert.match(await rac.metrics(), /authentik_outpost_rac_throttled_total\{outpost_name="rac"\} [1-9]/);
    assert.ok(process.memoryUsage().rss < 1024 * 1024 * 1024, 'memory stays bounded');
    const gone = closed(relay.ws);
    relay.ws.send('0.authentik.disconnect');
    await gone;
  });
});
