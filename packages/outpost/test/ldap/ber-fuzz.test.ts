import assert from 'node:assert/strict';
import net from 'node:net';
import tls from 'node:tls';
import { after, before, describe, it } from 'node:test';
import { constructed, integer, octets, readElement, TAG } from '../../src/ldap/ber.ts';
import { MessageFramer } from '../../src/ldap/framing.ts';
import { fakeSetup, fixtureData, type FakeSetup } from './support/fake-core.ts';
import { listenForTest, type TestListeners } from './support/listen.ts';

/** What a connection did with some bytes: the bytes it answered, and whether it closed. */
interface Reaction {
  answered: Buffer;
  closed: boolean;
}

const presentFilter = Buffer.concat([Buffer.from([0x87]), Buffer.from([11]), Buffer.from('objectClass')]);
function searchRequest(id: number, filter: Buffer = presentFilter): Buffer {
  return constructed(TAG.sequence, [
    integer(id),
    constructed(0x63, [
      octets(''),
      integer(0, TAG.enumerated),
      integer(0, TAG.enumerated),
      integer(0),
      integer(0),
      Buffer.from([0x01, 0x01, 0x00]),
      filter,
      constructed(TAG.sequence, []),
    ]),
  ]);
}
const anonymousBind = constructed(TAG.sequence, [
  integer(1),
  constructed(0x60, [integer(3), octets(''), octets('', 0x80)]),
]);

function nestedNot(depth: number): Buffer {
  let filter: Buffer = presentFilter;
  for (let i = 0; i < depth; i++) filter = constructed(0xa2, [filter]);
  return filter;
}

/** The corpus: each entry is bytes a client sends, then it waits. */
const CORPUS: Record<string, Buffer> = {
  'truncated length (long form cut short)': Buffer.from([0x30, 0x84, 0x00]),
  'message length past the packet': Buffer.from([0x30, 0x20, 0x02, 0x01, 0x01]),
  'element length past its parent': Buffer.from([0x30, 0x03, 0x02, 0x05, 0x01]),
  'indefinite length': Buffer.from([0x30, 0x80, 0x02, 0x01, 0x01, 0x00, 0x00]),
  'length of five bytes': Buffer.from([0x30, 0x85, 0x00, 0x00, 0x00, 0x00, 0x05]),
  '16 MB length': Buffer.from([0x30, 0x84, 0x01, 0x00, 0x00, 0x00, 0x02, 0x01, 0x01]),
  'not a SEQUENCE': Buffer.from([0x04, 0x03, 0x61, 0x62, 0x63]),
  'multi-byte tag': Buffer.from([0x30, 0x06, 0x02, 0x01, 0x01, 0x7f, 0x81, 0x00]),
  'unknown operation tag': Buffer.from([0x30, 0x05, 0x02, 0x01, 0x01, 0x45, 0x00]),
  'integer of nine bytes': Buffer.from([0x30, 0x0d, 0x02, 0x09, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0x42, 0x00]),
  'negative message id': Buffer.from([0x30, 0x05, 0x02, 0x01, 0xff, 0x42, 0x00]),
  'filter nested 1000 deep': searchRequest(2, nestedNot(1000)),
  'unknown filter tag': searchRequest(3, Buffer.from([0xbf, 0x00])),
  'garbage after a valid message': Buffer.concat([anonymousBind, Buffer.from([0xff, 0xfe, 0xfd, 0x00])]),
  'a PROXY header on a listener without PROXY protocol': Buffer.from('PROXY TCP4 10.0.0.1 10.0.0.2 1 2\r\n'),
  HTTP: Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n\r\n'),
  'empty SEQUENCE': Buffer.from([0x30, 0x00]),
};

/** Sends `bytes` over a fresh connection and watches for up to `ms`. */
function react(
  connect: () => net.Socket,
  bytes: Buffer,
  ms: number,
  settleOnAnswer = false,
): Promise<Reaction> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    const socket = connect();
    let settled = false;
    const done = (closed: boolean) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve({ answered: Buffer.concat(chunks), closed });
    };
    const timer = setTimeout(() => done(false), ms);
    socket.on('data', (chunk) => {
      chunks.push(chunk);
      // A whole answer came and the connection stays open: that is a reaction too (for the mutations).
      if (settleOnAnswer && wellFormed(Buffer.concat(chunks))) setTimeout(() => done(false), 30);
    });
    socket.on('error', () => done(true));
    socket.on('close', () => done(true));
    socket.write(bytes, () => {});
  });
}

/** Whether `bytes` are whole LDAP messages (the server only ever writes well-formed BER). */
function wellFormed(bytes: Buffer): boolean {
  const messages = new MessageFramer().push(bytes);
  return (
    messages.reduce((n, m) => n + m.length, 0) === bytes.length &&
    messages.every((m) => readElement(m).tag === 0x30)
  );
}

/** Whether `bytes` hold a protocolError notice or response (result code 2). */
function hasProtocolError(bytes: Buffer): boolean {
  return bytes.includes(Buffer.from([0x0a, 0x01, 0x02]));
}

/** A seeded generator, so a failing case can be replayed. */
function prng(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) & 0x7fffffff;
    return state / 0x7fffffff;
  };
}

describe('the BER fuzz corpus against both listeners', () => {
  let setup: FakeSetup;
  let listeners: TestListeners;
  before(async () => {
    setup = fakeSetup(fixtureData(5, 1));
    // A client that stops mid-message is cut off quickly here (30 s by default).
    Object.assign(setup.runtime.limits, { partialMessageMs: 300 });
    listeners = await listenForTest(setup.runtime);
  });
  after(() => listeners.close());

  const plain = () => net.connect(listeners.ldap.address.port, '127.0.0.1');
  const secure = () =>
    tls.connect({ port: listeners.ldaps.address.port, host: '127.0.0.1', rejectUnauthorized: false });

  for (const [listener, connect] of [
    ['ldap', () => plain()],
    ['ldaps', () => secure()],
  ] as const) {
    for (const [name, bytes] of Object.entries(CORPUS)) {
      it(`${listener}: ${name} closes the connection or answers protocolError`, async () => {
        const good = connect();
        const reaction = await react(connect, bytes, 1500);
        assert.ok(reaction.closed, `still open after: ${reaction.answered.toString('hex')}`);
        assert.ok(wellFormed(reaction.answered), reaction.answered.toString('hex'));
        if (name === 'garbage after a valid message') assert.ok(reaction.answered.length > 0);
        if (reaction.answered.length > 0 && name !== 'garbage after a valid message') {
          assert.ok(hasProtocolError(reaction.answered), reaction.answered.toString('hex'));
        }
        // Another connection opened before keeps working.
        const answer = await react(() => good, searchRequest(9), 300);
        assert.ok(answer.answered.length > 0 && wellFormed(answer.answered));
      });
    }
  }

  it('refuses a 16 MB message as soon as its header is in, without reading it', async () => {
    const socket = plain();
    const header = Buffer.from([0x30, 0x84, 0x01, 0x00, 0x00, 0x00]);
    const closed = new Promise<number>((resolve) => {
      let written = header.length;
      socket.on('close', () => resolve(written));
      socket.on('error', () => {});
      // Read what the server says (its notice), so its end of the connection reaches this side.
      socket.resume();
      socket.write(header);
      const chunk = Buffer.alloc(64 * 1024, 0x41);
      const pump = () => {
        while (!socket.destroyed && written < 16 * 1024 * 1024 && socket.write(chunk))
          written += chunk.length;
        if (!socket.destroyed && written < 16 * 1024 * 1024) socket.once('drain', pump);
      };
      pump();
    });
    const written = await closed;
    assert.ok(written < 16 * 1024 * 1024, `the server read ${written} bytes before closing`);
  });

  it('survives 200 mutations of valid requests: each closed or answered with well-formed LDAP', async () => {
    const random = prng(16);
    const seeds = [anonymousBind, searchRequest(4), searchRequest(5, nestedNot(3))];
    const good = plain();
    for (let i = 0; i < 200; i++) {
      const bytes = Buffer.from(seeds[i % seeds.length] as Buffer);
      const flips = 1 + Math.floor(random() * 4);
      for (let f = 0; f < flips; f++) bytes[Math.floor(random() * bytes.length)] = Math.floor(random() * 256);
      const reaction = await react(plain, bytes, 1000, true);
      assert.ok(
        reaction.closed || reaction.answered.length > 0,
        `case ${i}: ${bytes.toString('hex')} neither answered nor closed`,
      );
      assert.ok(wellFormed(reaction.answered), `case ${i}: ${bytes.toString('hex')}`);
    }
    const answer = await react(() => good, searchRequest(9), 300);
    assert.ok(answer.answered.length > 0 && wellFormed(answer.answered));
  });
});
