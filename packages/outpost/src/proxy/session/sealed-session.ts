/**
 * The self-contained session: sealed into the cookie itself so any replica built from the same configuration
 * can read it (no shared store). AES-256-GCM with a key derived by HKDF-SHA256 from the provider's
 * cookie_secret; the cookie name is the additional data, so a value cannot be moved to another provider's
 * cookie. The payload is deflated before sealing to keep big tokens under the browsers' cookie limits.
 */
import { createCipheriv, createDecipheriv, createSecretKey, hkdfSync } from 'node:crypto';
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import type { SessionClaims } from '../types.ts';
import { pooledRandomBytes } from './random-pool.ts';

/** What a session cookie carries. */
export interface SessionPayload {
  v: 1;
  /** The outpost session id (random), bound into OAuth states. */
  sid: string;
  /** Unix seconds. */
  created: number;
  /** The raw access token verified at callback (absent before sign-in). */
  token?: string;
  /** Claims from introspection (header auth with an opaque token), where the token cannot be decoded. */
  claims?: Omit<SessionClaims, 'raw_token'>;
}

/** Seals and opens one provider's session cookies. */
export interface SessionSealer {
  seal(payload: SessionPayload): string;
  /** The payload, or undefined for anything tampered, foreign or malformed (never throws). */
  open(value: string): SessionPayload | undefined;
}

const IV_BYTES = 12;
const TAG_BYTES = 16;
/** Inflated payloads larger than this are refused (a bound on work, even for authenticated input). */
const MAX_PLAINTEXT = 256 * 1024;

/** Derives the key for one provider. */
export function createSessionSealer(
  cookieSecret: string,
  clientId: string,
  cookieName: string,
): SessionSealer {
  // A KeyObject, not a Buffer: a Buffer key is re-validated on every createCipheriv (about 10 µs, a tenth
  // of a whole forward-auth check), a KeyObject is not.
  const key = createSecretKey(
    Buffer.from(
      hkdfSync('sha256', cookieSecret, 'palisade/outpost/session', `session-cookie/v1/${clientId}`, 32),
    ),
  );
  const aad = Buffer.from(cookieName);
  return {
    seal(payload) {
      const iv = pooledRandomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      cipher.setAAD(aad);
      const body = Buffer.concat([
        cipher.update(compress(Buffer.from(JSON.stringify(payload)))),
        cipher.final(),
      ]);
      return Buffer.concat([iv, body, cipher.getAuthTag()]).toString('base64url');
    },
    open(value) {
      try {
        const raw = Buffer.from(value, 'base64url');
        if (raw.length < IV_BYTES + TAG_BYTES + 1) return undefined;
        const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, IV_BYTES));
        decipher.setAAD(aad);
        decipher.setAuthTag(raw.subarray(raw.length - TAG_BYTES));
        const compressed = Buffer.concat([
          decipher.update(raw.subarray(IV_BYTES, raw.length - TAG_BYTES)),
          decipher.final(),
        ]);
        const parsed: unknown = JSON.parse(decompress(compressed).toString('utf8'));
        return isPayload(parsed) ? parsed : undefined;
      } catch {
        return undefined;
      }
    },
  };
}

/**
 * Payloads up to this size (a session before sign-in: an id and a time) are sealed as one raw-deflate
 * stored block (RFC 1951 §3.2.4), written by hand: the same format zlib reads, without zlib's per-call set-up,
 * which was a sixth of a signed-out Traefik or Caddy check. Larger payloads (with a token) are deflated.
 */
const STORED_UP_TO = 512;

function compress(plain: Buffer): Buffer {
  if (plain.length > STORED_UP_TO) return deflateRawSync(plain);
  const header = Buffer.alloc(5);
  header[0] = 0x01; // BFINAL = 1, BTYPE = 00 (stored)
  header.writeUInt16LE(plain.length, 1);
  header.writeUInt16LE(~plain.length & 0xffff, 3);
  return Buffer.concat([header, plain]);
}

/** Reads a single stored block directly; anything else (a deflated payload) goes through zlib. */
function decompress(data: Buffer): Buffer {
  if (data.length >= 5 && data[0] === 0x01) {
    const length = data.readUInt16LE(1);
    if ((~length & 0xffff) === data.readUInt16LE(3) && data.length === 5 + length) return data.subarray(5);
  }
  return inflateRawSync(data, { maxOutputLength: MAX_PLAINTEXT });
}

function isPayload(value: unknown): value is SessionPayload {
  if (typeof value !== 'object' || value === null) return false;
  const record = value as Record<string, unknown>;
  return (
    record.v === 1 &&
    typeof record.sid === 'string' &&
    record.sid !== '' &&
    typeof record.created === 'number' &&
    (record.token === undefined || typeof record.token === 'string') &&
    (record.claims === undefined || (typeof record.claims === 'object' && record.claims !== null))
  );
}

/** A new outpost session id: 32 random bytes, base64url. */
export const newSessionId = (): string => pooledRandomBytes(32).toString('base64url');
