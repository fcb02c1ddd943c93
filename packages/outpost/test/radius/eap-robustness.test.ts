import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import { after, before, describe, it } from 'node:test';
import { ATTR, attribute, attributes, text } from '../../src/radius/attributes.ts';
import { EAP_IDLE_MS } from '../../src/radius/eap/conversations.ts';
import { eapKeys } from '../../src/radius/eap/core-backend.ts';
import { decodeEap, EAP_CODE, EAP_TYPE, encodeEap } from '../../src/radius/eap/eap-packet.ts';
import { CODE, decodePacket, type Packet, split } from '../../src/radius/packet.ts';
import { signRequest } from '../../src/radius/signing.ts';
import { startCore, type TestCore } from '../support/palisade-core.ts';
import { makeTestPki, type TestPki } from './support/eap-certificates.ts';
import { createRadiusSetup, type RadiusSetup } from './support/radius-core.ts';
import { startTestRadius, type TestRadius } from './support/radius-server.ts';

const SECRET = Buffer.from('eap-robustness-secret');

describe('EAP conversations: out of sequence, oversized, garbage, abandoned', () => {
  let core: TestCore;
  let setup: RadiusSetup;
  let radius: TestRadius;
  let pki: TestPki;
  let socket: dgram.Socket;
  let clock = Date.now();
  let identifier = 0;
  const waiting = new Map<number, (packet: Packet | undefined) => void>();

  before(async () => {
    pki = makeTestPki([]);
    core = await startCore();
    setup = await createRadiusSetup(core, { slug: 'eap', secret: SECRET.toString() });
    const keys = eapKeys(pki.server);
    assert.ok(keys);
    radius = await startTestRadius({
      origin: core.origin,
      token: setup.token,
      providers: [{ ...setup.provider, certificate: 'kp' }],
      eapKeys: new Map([['kp', keys]]),
      now: () => clock,
    });
    socket = dgram.createSocket('udp4');
    socket.on('message', (data) => {
      const packet = decodePacket(data);
      waiting.get(packet.identifier)?.(packet);
    });
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  });
  after(async () => {
    socket?.close();
    await radius?.close();
    await core?.close();
    pki?.remove();
  });

  /** Sends an Access-Request carrying `eap` (and `state`); the reply, or undefined after 1.5 s. */
  function send(eap: Buffer, state?: Buffer): Promise<Packet | undefined> {
    identifier = (identifier + 1) & 0xff;
    const id = identifier;
    const attrs = [text(ATTR.UserName, 'someone'), ...split(ATTR.EapMessage, eap)];
    if (state) attrs.push({ type: ATTR.State, value: state });
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(undefined), 1500);
      waiting.set(id, (packet) => {
        clearTimeout(timer);
        resolve(packet);
      });
      socket.send(
        signRequest({ code: CODE.AccessRequest, identifier: id, attributes: attrs }, SECRET),
        radius.port,
        '127.0.0.1',
      );
    });
  }

  const identity = (id = 1) =>
    encodeEap({
      code: EAP_CODE.Response,
      identifier: id,
      type: EAP_TYPE.Identity,
      data: Buffer.from('someone'),
    });

  /** Starts a conversation: the State and the EAP identifier of the server's request. */
  async function start(): Promise<{ state: Buffer; id: number }> {
    const reply = await send(identity());
    assert.equal(reply?.code, CODE.AccessChallenge);
    const eap = decodeEap(Buffer.concat(attributes(reply as Packet, ATTR.EapMessage)));
    assert.equal(eap?.type, EAP_TYPE.Peap);
    return { state: attribute(reply as Packet, ATTR.State) as Buffer, id: eap?.identifier as number };
  }

  const peapData = (id: number, data: Buffer) =>
    encodeEap({ code: EAP_CODE.Response, identifier: id, type: EAP_TYPE.Peap, data });

  it('drops a response to a request it was not sent (out of sequence), and goes on', async () => {
    const { state, id } = await start();
    assert.equal(await send(peapData((id + 5) & 0xff, Buffer.from([0x40, 1, 2, 3])), state), undefined);
    // A first fragment (M set) in sequence is acknowledged with an empty request.
    const ack = await send(peapData(id, Buffer.from([0xc0, 0, 0, 0x10, 0, 0x16, 3, 1])), state);
    assert.equal(ack?.code, CODE.AccessChallenge);
    const eap = decodeEap(Buffer.concat(attributes(ack as Packet, ATTR.EapMessage)));
    assert.deepEqual(eap?.data, Buffer.from([0]));
  });

  it('rejects a TLS message announced larger than 64 KiB, and garbage records, ending the conversation', async () => {
    const before = radius.conversations();
    const big = await start();
    const total = Buffer.alloc(4);
    total.writeUInt32BE(1 << 20);
    const rejected = await send(
      peapData(big.id, Buffer.concat([Buffer.from([0xc0]), total, Buffer.alloc(500)])),
      big.state,
    );
    assert.equal(rejected?.code, CODE.AccessReject);
    const failure = decodeEap(Buffer.concat(attributes(rejected as Packet, ATTR.EapMessage)));
    assert.equal(failure?.code, EAP_CODE.Failure);
    const garbage = await start();
    const reply = await send(
      peapData(garbage.id, Buffer.concat([Buffer.from([0]), Buffer.alloc(300, 0x41)])),
      garbage.state,
    );
    assert.equal(reply?.code, CODE.AccessReject);
    assert.equal(radius.conversations(), before);
  });

  it('rejects an unknown State, and forgets abandoned conversations after the idle time', async () => {
    const stale = await send(peapData(1, Buffer.from([0])), Buffer.alloc(16, 7));
    assert.equal(stale?.code, CODE.AccessReject);
    const abandoned = [];
    for (let i = 0; i < 20; i++) abandoned.push(await start());
    assert.ok(radius.conversations() >= 20);
    clock += EAP_IDLE_MS + 1;
    const late = abandoned[0] as { state: Buffer; id: number };
    assert.equal((await send(peapData(late.id, Buffer.from([0])), late.state))?.code, CODE.AccessReject);
    // Starting a new one sweeps the expired ones: only it is left.
    await start();
    assert.equal(radius.conversations(), 1);
  });
});
