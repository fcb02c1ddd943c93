import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import dgram from 'node:dgram';
import { after, before, describe, it } from 'node:test';
import { addGroupMember } from '@palisade/core/identity/groups-repository';
import { ATTR, text } from '../../src/radius/attributes.ts';
import { CODE, decodePacket, encodePacket } from '../../src/radius/packet.ts';
import { hidePassword } from '../../src/radius/password.ts';
import { signRequest } from '../../src/radius/signing.ts';
import { createUser, startCore, type TestCore } from '../support/palisade-core.ts';
import { createRadiusSetup, type RadiusSetup } from './support/radius-core.ts';
import { startTestRadius, type TestRadius } from './support/radius-server.ts';

const SECRET = Buffer.from('fuzz-secret');

/** A reproducible byte stream (SHA-256 in counter mode), so a failing case can be replayed. */
function stream(seed: string): (n: number) => Buffer {
  let counter = 0;
  return (n) => {
    const parts: Buffer[] = [];
    for (let got = 0; got < n; got += 32)
      parts.push(createHash('sha256').update(`${seed}:${counter++}`).digest());
    return Buffer.concat(parts).subarray(0, n);
  };
}

/** A well-formed Access-Request for alice (signed with `secret`). */
function goodRequest(identifier: number, secret = SECRET): Buffer {
  const authenticator = Buffer.alloc(16, identifier);
  return signRequest(
    {
      code: CODE.AccessRequest,
      identifier,
      authenticator,
      attributes: [
        text(ATTR.UserName, 'alice'),
        {
          type: ATTR.UserPassword,
          value: hidePassword(Buffer.from('alice-password'), secret, authenticator),
        },
      ],
    },
    secret,
  );
}

/** The corpus: garbage, lengths that lie, attributes past the end, empty attributes, 4 KB, forgeries, EAP without MA. */
function corpus(): Buffer[] {
  const random = stream('radius-fuzz');
  const out: Buffer[] = [];
  for (let i = 0; i < 200; i++) out.push(random(1 + (random(2).readUInt16BE(0) % 600)));
  const good = goodRequest(1);
  for (let cut = 0; cut < good.length; cut += 3) out.push(good.subarray(0, cut));
  for (const length of [0, 1, 19, 21, good.length + 1, 4096, 65535]) {
    const lying = Buffer.from(good);
    lying.writeUInt16BE(length, 2);
    out.push(lying);
  }
  // From offset 21: changing the first attribute's type (20) turns the Message-Authenticator into another
  // attribute, which leaves a well-formed unsigned request, not garbage.
  for (let at = 21; at < good.length; at++) {
    for (const value of [0, 1, 2, 255].filter((v) => v !== good[at])) {
      const broken = Buffer.from(good);
      broken[at] = value;
      out.push(broken);
    }
  }
  const empty = Buffer.concat([good, Buffer.from([ATTR.UserName, 2])]);
  empty.writeUInt16BE(empty.length, 2);
  out.push(empty);
  out.push(Buffer.concat([good, Buffer.alloc(4096)]), Buffer.alloc(4097, 1), Buffer.alloc(4096, 1));
  out.push(goodRequest(2, Buffer.from('forged-secret')));
  // EAP-Message with no Message-Authenticator (RFC 3579 §3.2: discarded).
  out.push(
    encodePacket({
      code: CODE.AccessRequest,
      identifier: 3,
      authenticator: Buffer.alloc(16, 3),
      attributes: [
        text(ATTR.UserName, 'alice'),
        { type: ATTR.EapMessage, value: Buffer.from([2, 0, 0, 10, 1, 0x61, 0x6c, 0x69, 0x63, 0x65]) },
      ],
    }),
  );
  // Codes that are not Access-Request.
  for (const code of [CODE.AccessAccept, CODE.AccountingRequest, 12, 40, 0, 255]) {
    const other = Buffer.from(good);
    other[0] = code;
    out.push(other);
  }
  return out;
}

describe('a fuzz corpus of malformed packets from many sources', () => {
  let core: TestCore;
  let setup: RadiusSetup;
  let radius: TestRadius;
  before(async () => {
    core = await startCore();
    setup = await createRadiusSetup(core, { slug: 'fuzz', secret: SECRET.toString() });
    const alice = await createUser(core, { username: 'alice', password: 'alice-password' });
    await addGroupMember(core.server.ctx.db, setup.groupUuid, alice.id);
    radius = await startTestRadius({ origin: core.origin, token: setup.token, providers: [setup.provider] });
  });
  after(async () => {
    await radius?.close();
    await core?.close();
  });

  it('every packet of the corpus decodes or throws a PacketError, never anything else', () => {
    for (const packet of corpus()) {
      try {
        decodePacket(packet);
      } catch (error) {
        assert.equal((error as Error).name, 'PacketError', packet.toString('hex'));
      }
    }
  });

  it('answers none of it, keeps no state for it, and still answers a good client meanwhile', async () => {
    const sources = await Promise.all(
      Array.from({ length: 8 }, async (_, i) => {
        const socket = dgram.createSocket('udp4');
        const replies: Buffer[] = [];
        socket.on('message', (data) => replies.push(data));
        await new Promise<void>((resolve) => socket.bind(0, `127.0.0.${i + 2}`, resolve));
        return { socket, replies };
      }),
    );
    const good = dgram.createSocket('udp4');
    const goodReplies: Buffer[] = [];
    good.on('message', (data) => goodReplies.push(data));
    await new Promise<void>((resolve) => good.bind(0, '127.0.0.1', resolve));
    try {
      const packets = corpus();
      const flowsBefore = radius.flowsStarted();
      const memoryBefore = process.memoryUsage().heapUsed;
      // Paced in batches: a burst past the socket's receive buffer is lost in the kernel, not here.
      let sent = 0;
      for (let round = 0; round < 5; round++) {
        for (const [i, packet] of packets.entries()) {
          sources[i % sources.length]?.socket.send(packet, radius.port, '127.0.0.1');
          if (++sent % 25 === 0) await new Promise((r) => setTimeout(r, 2));
        }
        if (round === 2) good.send(goodRequest(9), radius.port, '127.0.0.1');
      }
      for (let i = 0; i < 250 && goodReplies.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
      await new Promise((r) => setTimeout(r, 300));
      assert.equal(goodReplies.length, 1);
      assert.equal(decodePacket(goodReplies[0] as Buffer).code, CODE.AccessAccept);
      assert.deepEqual(
        sources.map((s) => s.replies.length),
        sources.map(() => 0),
        'no reply to garbage',
      );
      // Only the good request ran a flow and sits in the reply cache.
      assert.equal(radius.flowsStarted() - flowsBefore, 1);
      assert.equal(radius.server.cachedReplies, 1);
      assert.ok(process.memoryUsage().heapUsed - memoryBefore < 64 * 1024 * 1024, 'memory bounded');
    } finally {
      for (const s of sources) s.socket.close();
      good.close();
    }
  });
});
