/**
 * MS-MPPE-Recv-Key and MS-MPPE-Send-Key (RFC 2548 §2.4.2-2.4.3): how the NAS receives the MSK of EAP-TLS and
 * PEAP (RFC 5216 §2.3: the first 32 octets are the Recv key, the next 32 the Send key), each encrypted with
 * an MD5 chain over the shared secret, the Request Authenticator and a salt.
 */
import { createHash, randomBytes } from 'node:crypto';
import { MS, VENDOR, vendorSpecific } from '../attributes.ts';
import type { Attribute } from '../packet.ts';

/** Encrypts `key` for one MS-MPPE attribute. */
export function encryptMppeKey(
  key: Buffer,
  secret: Buffer,
  requestAuthenticator: Buffer,
  salt: Buffer,
): Buffer {
  const plain = Buffer.alloc(Math.ceil((key.length + 1) / 16) * 16);
  plain[0] = key.length;
  key.copy(plain, 1);
  const out = Buffer.alloc(plain.length);
  let previous = Buffer.concat([requestAuthenticator, salt]);
  for (let at = 0; at < plain.length; at += 16) {
    const pad = createHash('md5').update(secret).update(previous).digest();
    for (let i = 0; i < 16; i++) out[at + i] = (plain[at + i] as number) ^ (pad[i] as number);
    previous = out.subarray(at, at + 16);
  }
  return out;
}

/** The two MS-MPPE attributes carrying `msk` (64 octets) to the NAS. */
export function mppeKeyAttributes(msk: Buffer, secret: Buffer, requestAuthenticator: Buffer): Attribute[] {
  const salts = randomBytes(4);
  // RFC 2548: the salt's high bit is set, and the two attributes' salts differ.
  const recvSalt = Buffer.from([(salts[0] as number) | 0x80, salts[1] as number]);
  const sendSalt = Buffer.from([(recvSalt[0] as number) ^ 0x01, salts[3] as number]);
  const attribute = (type: number, salt: Buffer, key: Buffer) =>
    vendorSpecific(
      VENDOR.Microsoft,
      type,
      Buffer.concat([salt, encryptMppeKey(key, secret, requestAuthenticator, salt)]),
    );
  return [
    attribute(MS.MppeRecvKey, recvSalt, msk.subarray(0, 32)),
    attribute(MS.MppeSendKey, sendSalt, msk.subarray(32, 64)),
  ];
}
