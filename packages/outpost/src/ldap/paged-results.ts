/**
 * The paged-results control (RFC 2696), which the reference ignores (spec §1.7, #4244): the result of the
 * first request is held per connection under a random cookie and handed out `size` entries at a time.
 */
import { randomBytes } from 'node:crypto';
import { BerError, expectTag, readChildren, readElement, readInteger, TAG } from './ber.ts';
import type { Entry } from './entry.ts';

/** How many paged searches one connection may keep open at once; the oldest is dropped past it. */
export const MAX_OPEN_PAGED_SEARCHES = 8;

/** A decoded control value. */
export interface PageRequest {
  size: number;
  cookie: Buffer;
}

/** Decodes the control value `SEQUENCE { size INTEGER, cookie OCTET STRING }`. */
export function decodePageRequest(value: Buffer | undefined): PageRequest {
  if (!value) throw new BerError('paged results control without a value');
  const [size, cookie, ...rest] = readChildren(
    expectTag(readElement(value), TAG.sequence, 'paged results').value,
  );
  if (rest.length > 0) throw new BerError('paged results value of more than two parts');
  const pageSize = readInteger(expectTag(size, TAG.integer, 'page size'));
  if (pageSize < 0) throw new BerError('negative page size');
  return { size: pageSize, cookie: expectTag(cookie, TAG.octetString, 'cookie').value };
}

interface OpenSearch {
  fingerprint: string;
  rest: Entry[];
  code: number;
  message: string;
}

/** One connection's open paged searches. */
export class PagedSearches {
  private readonly open = new Map<string, OpenSearch>();

  /** Stores what is left of a search; answers its cookie. */
  hold(fingerprint: string, rest: Entry[], code: number, message: string): Buffer {
    if (this.open.size >= MAX_OPEN_PAGED_SEARCHES) {
      const oldest = this.open.keys().next().value;
      if (oldest !== undefined) this.open.delete(oldest);
    }
    const cookie = randomBytes(16);
    this.open.set(cookie.toString('hex'), { fingerprint, rest, code, message });
    return cookie;
  }

  /** Takes the search of `cookie` if it was made by the same request (`fingerprint`). */
  take(cookie: Buffer, fingerprint: string): OpenSearch | undefined {
    const key = cookie.toString('hex');
    const found = this.open.get(key);
    this.open.delete(key);
    return found?.fingerprint === fingerprint ? found : undefined;
  }

  /** Forgets every open search (a new bind). */
  clear(): void {
    this.open.clear();
  }
}
