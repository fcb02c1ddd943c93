/**
 * Random bytes for session ids, states and IVs, drawn from the CSPRNG in 4 KiB batches. Each `randomBytes`
 * call is a trip into OpenSSL's locked generator, and a signed-out Traefik or Caddy check makes three (a
 * session id, the state's nonce, the cookie's IV): a sixth of that path's time by a profile. The bytes are
 * the same generator's; each is handed out once and copied, so no two callers ever share one (node's own
 * `randomUUID` batches the same way).
 */
import { randomFillSync } from 'node:crypto';

const POOL_BYTES = 4096;
const pool = Buffer.allocUnsafe(POOL_BYTES);
let offset = POOL_BYTES;

/** `size` fresh random bytes, in a buffer of their own. */
export function pooledRandomBytes(size: number): Buffer {
  if (size > POOL_BYTES) return randomFillSync(Buffer.allocUnsafe(size));
  if (offset + size > POOL_BYTES) {
    randomFillSync(pool);
    offset = 0;
  }
  const bytes = Buffer.from(pool.subarray(offset, offset + size));
  // Spent bytes are overwritten, so nothing read from the pool stays in it.
  pool.fill(0, offset, offset + size);
  offset += size;
  return bytes;
}
