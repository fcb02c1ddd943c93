/**
 * The session cookie on the wire: one sealed value, split across `name`, `name_1`, … when it would pass the
 * browsers' 4096-byte limit per cookie (name, value and attributes together), with stale chunks always
 * cleared so an old tail can never be glued to a new head.
 */
import { type CookieAttributes, serializeCookie } from './cookies.ts';

/** Most characters of sealed value per cookie; leaves room for the name and attributes under 4096 bytes. */
export const CHUNK_LENGTH = 3800;
/** Most cookies one session may use; a bigger session is refused rather than sent. */
export const MAX_CHUNKS = 8;

/** Where a provider's session cookies live. */
export interface CookieJarSpec {
  name: string;
  attributes: Omit<CookieAttributes, 'maxAge'>;
}

const chunkName = (name: string, index: number): string => (index === 0 ? name : `${name}_${index}`);

/** The sealed value a request carries (chunks joined in order), or undefined. */
export function readSessionValue(cookies: ReadonlyMap<string, string>, name: string): string | undefined {
  const head = cookies.get(name);
  if (!head) return undefined;
  let value = head;
  for (let index = 1; index < MAX_CHUNKS; index++) {
    const chunk = cookies.get(chunkName(name, index));
    if (chunk === undefined) break;
    value += chunk;
  }
  return value;
}

/** Chunk indexes present in the request (so they can be cleared when no longer used). */
function presentChunks(cookies: ReadonlyMap<string, string>, name: string): number[] {
  const indexes: number[] = [];
  for (const key of cookies.keys()) {
    if (key === name) indexes.push(0);
    else if (key.startsWith(`${name}_`)) {
      const index = Number(key.slice(name.length + 1));
      if (Number.isInteger(index) && index > 0 && String(index) === key.slice(name.length + 1))
        indexes.push(index);
    }
  }
  return indexes;
}

/**
 * Set-Cookie lines writing `value` with `maxAge` seconds (undefined: browser session), clearing chunks the
 * request had beyond the new count. Undefined when the value needs more than MAX_CHUNKS cookies.
 */
export function writeSessionCookies(
  jar: CookieJarSpec,
  value: string,
  maxAge: number | undefined,
  request: ReadonlyMap<string, string>,
): string[] | undefined {
  const count = Math.max(1, Math.ceil(value.length / CHUNK_LENGTH));
  if (count > MAX_CHUNKS) return undefined;
  const lines: string[] = [];
  for (let index = 0; index < count; index++) {
    const part = value.slice(index * CHUNK_LENGTH, (index + 1) * CHUNK_LENGTH);
    lines.push(serializeCookie(chunkName(jar.name, index), part, { ...jar.attributes, maxAge }));
  }
  for (const index of presentChunks(request, jar.name))
    if (index >= count)
      lines.push(serializeCookie(chunkName(jar.name, index), '', { ...jar.attributes, maxAge: 0 }));
  return lines;
}

/** Set-Cookie lines deleting every session cookie the request carries (the head always). */
export function clearSessionCookies(jar: CookieJarSpec, request: ReadonlyMap<string, string>): string[] {
  const indexes = new Set([0, ...presentChunks(request, jar.name)]);
  return [...indexes].map((index) =>
    serializeCookie(chunkName(jar.name, index), '', { ...jar.attributes, maxAge: 0 }),
  );
}

/** Every cookie name a session may use (for stripping them from upstream requests). */
export function sessionCookieNames(name: string): string[] {
  return Array.from({ length: MAX_CHUNKS }, (_, index) => chunkName(name, index));
}
