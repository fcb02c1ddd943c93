/** Encoding of the responses this server sends (RFC 4511 §4.1.9-§4.14). */
import { constructed, integer, octets, TAG } from './ber.ts';
import { type requestedAttributes, selectAttributes } from './attributes.ts';
import type { Attribute, Entry } from './entry.ts';
import { OID } from './result-codes.ts';

/** Response tags. */
export const RESPONSE = {
  bind: 0x61,
  searchEntry: 0x64,
  searchDone: 0x65,
  compare: 0x6f,
  extended: 0x78,
} as const;

/** A response control: its OID, criticality and value. */
export interface ResponseControl {
  oid: string;
  value?: Buffer;
}

/** The LDAPResult fields. */
function result(code: number, message: string, matchedDn = ''): Buffer[] {
  return [integer(code, TAG.enumerated), octets(matchedDn), octets(message)];
}

/** Wraps an operation in an LDAPMessage with `id` and optional controls. */
export function envelope(id: number, op: Buffer, controls: readonly ResponseControl[] = []): Buffer {
  const parts = [integer(id), op];
  if (controls.length > 0) {
    parts.push(
      constructed(
        0xa0,
        controls.map((c) =>
          constructed(TAG.sequence, [octets(c.oid), ...(c.value ? [octets(c.value)] : [])]),
        ),
      ),
    );
  }
  return constructed(TAG.sequence, parts);
}

/** An LDAPResult-shaped response (bind, search done, compare, the write refusals). */
export function resultMessage(
  id: number,
  tag: number,
  code: number,
  message: string,
  controls: readonly ResponseControl[] = [],
): Buffer {
  return envelope(id, constructed(tag, result(code, message)), controls);
}

/** An ExtendedResponse, with its response name and value when given. */
export function extendedResponse(
  id: number,
  code: number,
  message: string,
  name?: string,
  value?: Buffer,
): Buffer {
  const parts = result(code, message);
  if (name !== undefined) parts.push(octets(name, 0x8a));
  if (value !== undefined) parts.push(octets(value, 0x8b));
  return envelope(id, constructed(RESPONSE.extended, parts));
}

/** The unsolicited Notice of Disconnection (RFC 4511 §4.4.1), sent before closing a broken connection. */
export function noticeOfDisconnection(code: number, message: string): Buffer {
  return extendedResponse(0, code, message, OID.noticeOfDisconnection);
}

/**
 * A PartialAttribute (RFC 4511 §4.1.7). Directory entries do not change once built (a refresh builds new
 * ones), so an attribute with its values is encoded once and its bytes reused by every search after.
 */
function partialAttribute(attribute: Attribute, typesOnly: boolean): Buffer {
  if (typesOnly) return constructed(TAG.sequence, [octets(attribute.name), constructed(TAG.set, [])]);
  return (attribute.encoded ??= constructed(TAG.sequence, [
    octets(attribute.name),
    constructed(
      TAG.set,
      attribute.values.map((v) => octets(v)),
    ),
  ]));
}

function searchEntryOp(dn: string, attributes: readonly Attribute[], typesOnly: boolean): Buffer {
  return constructed(RESPONSE.searchEntry, [
    octets(dn),
    constructed(
      TAG.sequence,
      attributes.map((a) => partialAttribute(a, typesOnly)),
    ),
  ]);
}

/**
 * A SearchResultEntry of `entry` with the attributes `wanted` (values left out when `typesOnly`). The
 * common case, every attribute with its values, is encoded once per entry.
 */
export function searchEntry(
  id: number,
  entry: Entry,
  wanted: ReturnType<typeof requestedAttributes>,
  typesOnly: boolean,
): Buffer {
  const op =
    wanted.all && !typesOnly
      ? (entry.encoded ??= searchEntryOp(entry.dn, [...entry.attributes.values()], false))
      : searchEntryOp(entry.dn, selectAttributes(entry, wanted), typesOnly);
  return envelope(id, op);
}

/** The paged-results control value (RFC 2696 §2): the size estimate (0: unknown) and the cookie. */
export function pagedResultsValue(cookie: Buffer, size = 0): Buffer {
  return constructed(TAG.sequence, [integer(size), octets(cookie)]);
}
