import { createHash } from 'node:crypto';

/**
 * Answers whether `live` already holds everything `desired` says: every key of an object, every element of
 * an array (same length), equal scalars. Fields only the live object has (server defaults, status, other
 * managers' fields) do not count.
 */
export function holds(live: unknown, desired: unknown): boolean {
  if (Array.isArray(desired)) {
    return (
      Array.isArray(live) && live.length === desired.length && desired.every((d, i) => holds(live[i], d))
    );
  }
  if (desired !== null && typeof desired === 'object') {
    if (live === null || typeof live !== 'object' || Array.isArray(live)) return false;
    return Object.entries(desired).every(([k, v]) => holds((live as Record<string, unknown>)[k], v));
  }
  return live === desired;
}

/** A stable JSON text (object keys sorted), for hashing and comparing. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** sha256 of an object's canonical JSON. */
export const objectHash = (value: unknown) => createHash('sha256').update(canonicalJson(value)).digest('hex');
