import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { closed, eventually, RAC_TOKEN, type RacHarness, startRacOutpost } from './support/rac-outpost.ts';
import { connectViewer } from './support/rfb-viewer.ts';
import { startVncServer, type VncServer, vncUnavailable } from './support/x-display.ts';

const PASSWORD = 'vnc-s3cret';

describe('RAC outpost, VNC against a real x11vnc', { skip: vncUnavailable() }, () => {
  let dir: string;
  let vnc: VncServer;
  let rac: RacHarness;
  const target = (extra: Record<string, string> = {}) => ({
    protocol: 'vnc',
    params: { hostname: '127.0.0.1', port: String(vnc.port), password: PASSWORD, ...extra },
  });

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'rac-vnc-'));
    vnc = await startVncServer(dir, PASSWORD);
    rac = await startRacOutpost({ limits: { inputPerSecond: 200 } });
  });
  after(async () => {
    await rac?.close();
    await vnc?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('authenticates to the target itself and shows the browser its screen through the relay, no-auth', async () => {
    vnc.client('xmessage', ['-bg', '#ff0000', '-fg', '#ff0000', '-geometry', '640x480+0+0', 'x']);
    rac.desk.init('chan-screen', target());
    const relay = await rac.desk.next();
    assert.equal(relay.channel, 'chan-screen');
    assert.equal(relay.authorization, `Bearer ${RAC_TOKEN}`);
    const seen: Buffer[] = [];
    relay.ws.on('message', (data: Buffer) => seen.push(data));
    const viewer = await connectViewer(relay.ws);
    assert.deepEqual([viewer.width, viewer.height], [640, 480]);
    await eventually('the red window is drawn', async () => {
      await viewer.refresh();
      return viewer.pixel(320, 200).join() === '255,0,0';
    });
    assert.equal(rac.lastActive(), 1, 'HELLO reports the live connection');
    assert.ok(!Buffer.concat(seen).includes(PASSWORD), 'the password never goes towards the browser');
    assert.match(
      await rac.metrics(),
      /authentik_outpost_rac_connections\{outpost_name="rac",endpoint="vnc:\/\/127\.0\.0\.1:\d+"\} 1/,
    );
    assert.match(
      await rac.metrics(),
      /authentik_outpost_rac_relayed_bytes_total\{outpost_name="rac",direction="to_browser"\} \d{6,}/,
    );

    const gone = closed(relay.ws);
    relay.ws.send('0.authentik.disconnect');
    assert.equal((await gone).code, 4000);
    await eventually('HELLO reports no connection', () => rac.lastActive() === 0);
  });

  it('sends the browser keys to the target: xev on the display sees them', async () => {
    const xev = vnc.client('xev', ['-geometry', '640x480+0+0', '-event', 'keyboard']);
    await new Promise((r) => setTimeout(r, 500));
    rac.desk.init('chan-keys', target());
    const relay = await rac.desk.next();
    const viewer = await connectViewer(relay.ws);
    viewer.pointer(300, 300);
    await eventually('xev hears the "q" typed in the browser', async () => {
      viewer.key(0x71, true);
      viewer.key(0x71, false);
      await new Promise((r) => setTimeout(r, 100));
      return /KeyPress event[\s\S]*keysym 0x71, q/.test(xev.output());
    });
    const gone = closed(relay.ws);
    relay.ws.close();
    await gone;
    xev.kill();
  });

  it('closes with "authentication failed" when the endpoint has the wrong password', async () => {
    rac.desk.init('chan-wrong', target({ password: 'not-it' }));
    const relay = await rac.desk.next();
    const why = await closed(relay.ws);
    assert.deepEqual(why, { code: 4000, reason: 'authentication failed' });
    assert.match(await rac.metrics(), /reason="authentication_failed"\} 1/);
  });

  it('closes with "target refused: connection refused" when nothing listens', async () => {
    rac.desk.init('chan-refused', { protocol: 'vnc', params: { hostname: '127.0.0.1', port: '1' } });
    const relay = await rac.desk.next();
    assert.deepEqual(await closed(relay.ws), { code: 4000, reason: 'target refused: connection refused' });
  });

  it('closes a browser that sends malformed RFB, leaving the other connection working', async () => {
    rac.desk.init('chan-good', target());
    const good = await connectViewer((await rac.desk.next()).ws);
    rac.desk.init('chan-bad', target());
    const bad = await rac.desk.next();
    const viewer = await connectViewer(bad.ws);
    const why = closed(bad.ws);
    viewer.raw(Buffer.from([99, 0, 0, 0]));
    assert.deepEqual(await why, { code: 4000, reason: 'the browser sent RFB message type 99' });
    assert.match(
      rac.log.text(),
      /rac connection failed.*"channel":"chan-bad".*"reason":"browser_protocol_error"/,
    );
    await good.refresh();
    assert.equal(good.width, 640);
  });

  it('closes a browser that floods input events', async () => {
    rac.desk.init('chan-flood', target());
    const relay = await rac.desk.next();
    const viewer = await connectViewer(relay.ws);
    const why = closed(relay.ws);
    for (let i = 0; i < 1000; i++) viewer.pointer(i % 640, 10);
    assert.deepEqual(await why, { code: 4000, reason: 'too much input: the connection was closed' });
  });

  it('refuses RDP, which has no adapter here, with a reason', async () => {
    rac.desk.init('chan-rdp', { protocol: 'rdp', params: { hostname: '127.0.0.1' } });
    const relay = await rac.desk.next();
    assert.deepEqual(await closed(relay.ws), { code: 4000, reason: 'rdp is not supported by this outpost' });
  });
});
