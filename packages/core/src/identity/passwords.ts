import { argon2, randomBytes, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';

/**
 * Password hashing with argon2id from node:crypto, stored in the PHC string format
 * (`$argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>`, unpadded base64) so the parameters travel with each hash
 * and can be raised later: a hash made with older parameters verifies and is flagged for rehash.
 */

const argon2Async = promisify(argon2);

/** OWASP's argon2id recommendation (19 MiB, 2 passes, 1 lane): about 20-40 ms a hash on a server core. */
export const PASSWORD_PARAMETERS = Object.freeze({ memory: 19456, passes: 2, parallelism: 1 });
const TAG_LENGTH = 32;
const SALT_LENGTH = 16;
/** Longer passwords are refused before hashing: argon2 hashes any length, so this bounds the work. */
export const MAX_PASSWORD_LENGTH = 4096;

interface ParsedHash {
  memory: number;
  passes: number;
  parallelism: number;
  salt: Buffer;
  hash: Buffer;
}

const PHC = /^\$argon2id\$v=19\$m=(\d{1,7}),t=(\d{1,3}),p=(\d{1,2})\$([A-Za-z0-9+/]+)\$([A-Za-z0-9+/]+)$/;

function parse(encoded: string): ParsedHash | undefined {
  const match = PHC.exec(encoded);
  if (!match) return undefined;
  const [, m, t, p, salt, hash] = match as unknown as [string, string, string, string, string, string];
  return {
    memory: Number(m),
    passes: Number(t),
    parallelism: Number(p),
    salt: Buffer.from(salt, 'base64'),
    hash: Buffer.from(hash, 'base64'),
  };
}

async function derive(
  password: string,
  salt: Buffer,
  params: { memory: number; passes: number; parallelism: number },
  tagLength: number,
): Promise<Buffer> {
  return argon2Async('argon2id', {
    message: Buffer.from(password, 'utf8'),
    nonce: salt,
    parallelism: params.parallelism,
    tagLength,
    memory: params.memory,
    passes: params.passes,
  });
}

const b64 = (buf: Buffer) => buf.toString('base64').replace(/=+$/, '');

/** Hashes a password with the current parameters; returns the PHC string to store. */
export async function hashPassword(password: string): Promise<string> {
  if (password.length > MAX_PASSWORD_LENGTH) throw new RangeError('password is too long');
  const salt = randomBytes(SALT_LENGTH);
  const { memory, passes, parallelism } = PASSWORD_PARAMETERS;
  const hash = await derive(password, salt, PASSWORD_PARAMETERS, TAG_LENGTH);
  return `$argon2id$v=19$m=${memory},t=${passes},p=${parallelism}$${b64(salt)}$${b64(hash)}`;
}

/** Whether a stored value is a hash a password can match (null, empty or `!`-prefixed values are not). */
export function isUsablePassword(stored: string | null | undefined): stored is string {
  return typeof stored === 'string' && parse(stored) !== undefined;
}

export interface PasswordCheck {
  ok: boolean;
  /** The hash was made with other parameters than today's: store a fresh hash of the same password. */
  needsRehash: boolean;
}

/** Verifies a password against a stored hash in constant time. Unusable or malformed hashes never match. */
export async function verifyPassword(stored: string | null, password: string): Promise<PasswordCheck> {
  const parsed = stored ? parse(stored) : undefined;
  if (!parsed || password.length > MAX_PASSWORD_LENGTH || parsed.hash.length < 16) {
    await verifyDummyPassword(password);
    return { ok: false, needsRehash: false };
  }
  const candidate = await derive(password, parsed.salt, parsed, parsed.hash.length);
  const ok = timingSafeEqual(candidate, parsed.hash);
  const needsRehash =
    ok &&
    (parsed.memory !== PASSWORD_PARAMETERS.memory ||
      parsed.passes !== PASSWORD_PARAMETERS.passes ||
      parsed.parallelism !== PASSWORD_PARAMETERS.parallelism ||
      parsed.hash.length !== TAG_LENGTH);
  return { ok, needsRehash };
}

const dummySalt = randomBytes(SALT_LENGTH);

/**
 * Spends the same work as a real verification, for sign-ins naming a user who does not exist or has no
 * password, so response times do not tell which usernames are real.
 */
export async function verifyDummyPassword(password: string): Promise<void> {
  await derive(password.slice(0, MAX_PASSWORD_LENGTH), dummySalt, PASSWORD_PARAMETERS, TAG_LENGTH);
}
