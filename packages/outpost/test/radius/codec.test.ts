import assert from 'node:assert/strict';
import { createHash, createHmac } from 'node:crypto';
import { describe, it } from 'node:test';
import {
  ATTR,
  decodeVendorSpecific,
  taggedInteger,
  taggedText,
  text,
  vendorSpecific,
} from '../../src/radius/attributes.ts';
import { CODE, decodePacket, encodePacket, PacketError } from '../../src/radius/packet.ts';
import { hidePassword, revealPassword } from '../../src/radius/password.ts';
import { signReply, signRequest, verifyReply, verifyRequestAuthenticator } from '../../src/radius/signing.ts';

const hex = (s: string) => Buffer.from(s.replace(/\s+/g, ''), 'hex');
const SECRET = Buffer.from('xyzzy5461');

// RFC 2865 §7.1: user "nemo", password "arctangent", secret "xyzzy5461".
const RFC_REQUEST = hex(`01 00 00 38 0f 40 3f 94 73 97 80 57 bd 83 d5 cb
  98 f4 22 7a 01 06 6e 65 6d 6f 02 12 0d be 70 8d 93 d4 13 ce 31 96 e4 3f 78 2a 0a ee
  04 06 c0 a8 01 10 05 06 00 00 00 03`);
const RFC_ACCEPT = hex(`02 00 00 26 86 fe 22 0e 76 24 ba 2a 10 05 f6 bf 9b 55 e0 b2
  06 06 00 00 00 01 0f 06 00 00 00 00 0e 06 c0 a8 01 03`);

function rejects(data: Buffer, reason: string) {
  assert.throws(
    () => decodePacket(data),
    (error: unknown) => error instanceof PacketError && error.reason === reason,
  );
}

describe('the RADIUS codec', () => {
  it('decodes the RFC 2865 §7.1 Access-Request and reveals its User-Password', () => {
    const packet = decodePacket(RFC_REQUEST);
    assert.equal(packet.code, CODE.AccessRequest);
    assert.deepEqual(
      packet.attributes.map((a) => a.type),
      [ATTR.UserName, ATTR.UserPassword, ATTR.NasIpAddress, ATTR.NasPort],
    );
    const hidden = packet.attributes[1]?.value as Buffer;
    assert.equal(revealPassword(hidden, SECRET, packet.authenticator).toString(), 'arctangent');
    assert.deepEqual(hidePassword(Buffer.from('arctangent'), SECRET, packet.authenticator), hidden);
    assert.deepEqual(encodePacket(packet), RFC_REQUEST);
  });

  it('computes the Response Authenticator of the RFC 2865 §7.1 Access-Accept', () => {
    const body = Buffer.from(RFC_ACCEPT);
    RFC_REQUEST.copy(body, 4, 4, 20);
    const expected = createHash('md5').update(body).update(SECRET).digest();
    assert.deepEqual(expected, RFC_ACCEPT.subarray(4, 20));
  });

  it('hides passwords of every length up to 128 octets, chaining blocks', () => {
    const authenticator = Buffer.alloc(16, 7);
    for (const length of [1, 15, 16, 17, 31, 32, 33, 100, 128]) {
      const password = Buffer.alloc(length, 'p');
      const hidden = hidePassword(password, SECRET, authenticator);
      assert.equal(hidden.length, Math.max(16, Math.ceil(length / 16) * 16));
      assert.deepEqual(revealPassword(hidden, SECRET, authenticator), password);
    }
    assert.throws(() => hidePassword(Buffer.alloc(129), SECRET, authenticator), RangeError);
  });

  it('signs a reply as RFC 3579 says: HMAC over the reply with the Request Authenticator, then the Response Authenticator', () => {
    const request = decodePacket(signRequest({ code: 1, identifier: 9, attributes: [text(1, 'u')] }, SECRET));
    const reply = signReply(
      { code: CODE.AccessAccept, identifier: 9, attributes: [text(18, 'hi')] },
      request.authenticator,
      SECRET,
    );
    const decoded = decodePacket(reply);
    assert.equal(decoded.attributes[0]?.type, ATTR.MessageAuthenticator, 'Message-Authenticator first');
    // Recompute independently: MA with the request authenticator in the header and the MA zeroed.
    const check = Buffer.from(reply);
    request.authenticator.copy(check, 4);
    Buffer.alloc(16).copy(check, 22);
    assert.deepEqual(createHmac('md5', SECRET).update(check).digest(), decoded.attributes[0]?.value);
    const final = Buffer.from(reply);
    request.authenticator.copy(final, 4);
    assert.deepEqual(createHash('md5').update(final).update(SECRET).digest(), decoded.authenticator);
    assert.equal(verifyReply(reply, request.authenticator, SECRET), true);
    assert.equal(verifyReply(reply, request.authenticator, Buffer.from('other')), false);
  });

  it('verifies a request Message-Authenticator, and tells absent from wrong', () => {
    const signed = signRequest({ code: 1, identifier: 1, attributes: [text(1, 'u')] }, SECRET);
    assert.equal(verifyRequestAuthenticator(signed, SECRET), true);
    assert.equal(verifyRequestAuthenticator(signed, Buffer.from('wrong')), false);
    const tampered = Buffer.from(signed);
    tampered.writeUInt8((tampered.at(-1) as number) ^ 1, tampered.length - 1);
    assert.equal(verifyRequestAuthenticator(tampered, SECRET), false);
    const unsigned = signRequest({ code: 1, identifier: 1, attributes: [text(1, 'u')] }, SECRET, false);
    assert.equal(verifyRequestAuthenticator(unsigned, SECRET), undefined);
  });

  it('drops lengths that lie, attributes past the end, zero-length attributes and over-long packets', () => {
    const good = signRequest({ code: 1, identifier: 1, attributes: [text(1, 'user')] }, SECRET);
    rejects(good.subarray(0, 19), 'too_short');
    rejects(Buffer.concat([good, Buffer.alloc(4097 - good.length)]), 'too_long');
    const longer = Buffer.from(good);
    longer.writeUInt16BE(good.length + 1, 2);
    rejects(longer, 'length_mismatch');
    const shortLength = Buffer.from(good);
    shortLength.writeUInt16BE(19, 2);
    rejects(shortLength, 'length_mismatch');
    const past = Buffer.from(good);
    past[past.length - 5] = 200; // User-Name claims 200 octets
    rejects(past, 'attribute_truncated');
    const empty = Buffer.concat([good, Buffer.from([ATTR.UserName, 2])]);
    empty.writeUInt16BE(empty.length, 2);
    rejects(empty, 'attribute_empty');
    const tiny = Buffer.concat([good, Buffer.from([ATTR.UserName, 1])]);
    tiny.writeUInt16BE(tiny.length, 2);
    rejects(tiny, 'attribute_truncated');
    const badPassword = encodePacket({
      code: 1,
      identifier: 1,
      authenticator: Buffer.alloc(16),
      attributes: [{ type: 2, value: Buffer.alloc(17) }],
    });
    rejects(badPassword, 'attribute_length');
    const twoAuth = encodePacket({
      code: 1,
      identifier: 1,
      authenticator: Buffer.alloc(16),
      attributes: [
        { type: 80, value: Buffer.alloc(16) },
        { type: 80, value: Buffer.alloc(16) },
      ],
    });
    rejects(twoAuth, 'duplicate_message_authenticator');
    // Octets past Length are padding (RFC 2865 §3) and ignored.
    assert.equal(decodePacket(Buffer.concat([good, Buffer.alloc(3)])).attributes.length, 2);
  });

  it('encodes vendor-specific and tagged Tunnel-* attributes', () => {
    const vsa = vendorSpecific(14823, 1, Buffer.from('admins'));
    assert.deepEqual(vsa.value, hex('000039e7 01 08 61646d696e73'));
    assert.deepEqual(decodeVendorSpecific(vsa.value), [
      { vendor: 14823, type: 1, value: Buffer.from('admins') },
    ]);
    assert.equal(decodeVendorSpecific(hex('000039e7 01 09 61')), undefined);
    assert.deepEqual(taggedInteger(ATTR.TunnelType, 1, 13).value, hex('0100000d'));
    assert.deepEqual(taggedText(ATTR.TunnelPrivateGroupId, 1, '42').value, hex('013432'));
    assert.deepEqual(taggedText(ATTR.TunnelPrivateGroupId, 0, '42').value, hex('3432'));
    assert.throws(() => taggedInteger(ATTR.TunnelType, 32, 13), RangeError);
  });
});
