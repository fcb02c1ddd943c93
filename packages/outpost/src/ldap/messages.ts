/**
 * The LDAP message model (RFC 4511 §4): an LDAPMessage decoded into the request it carries. Operations
 * this read-only server refuses (add, modify, delete, modify DN) are decoded only as far as their kind;
 * anything else is a BerError, answered as protocolError.
 */
import {
  BerError,
  type BerElement,
  expectTag,
  readBoolean,
  readChildren,
  readElement,
  readInteger,
  readString,
  TAG,
} from './ber.ts';
import { decodeFilter, type Filter } from './filter.ts';

/** A request control (RFC 4511 §4.1.11). */
export interface Control {
  oid: string;
  critical: boolean;
  value: Buffer | undefined;
}

/** Search scopes (RFC 4511 §4.5.1.2). */
export type Scope = 'base' | 'one' | 'sub';
const SCOPES: readonly Scope[] = ['base', 'one', 'sub'];

/** A decoded search request. */
export interface SearchRequest {
  kind: 'search';
  base: string;
  scope: Scope;
  sizeLimit: number;
  timeLimit: number;
  typesOnly: boolean;
  filter: Filter;
  attributes: string[];
}

/** What one LDAPMessage asks. */
export type Request =
  | { kind: 'bind'; version: number; name: string; auth: 'simple'; password: Buffer }
  | { kind: 'bind'; version: number; name: string; auth: 'sasl'; mechanism: string }
  | { kind: 'unbind' }
  | SearchRequest
  | { kind: 'compare'; dn: string; attribute: string; value: string }
  | { kind: 'extended'; oid: string; value: Buffer | undefined }
  | { kind: 'abandon'; id: number }
  | { kind: 'write'; op: 'modify' | 'add' | 'delete' | 'modifyDn' };

/** An LDAPMessage. */
export interface Message {
  id: number;
  request: Request;
  controls: Control[];
}

/** The response tag of each write operation, for the refusal. */
export const WRITE_RESPONSE_TAG = { modify: 0x67, add: 0x69, delete: 0x6b, modifyDn: 0x6d } as const;

/** Largest message ID (RFC 4511 maxInt). */
const MAX_INT = 2147483647;

function decodeBind(element: BerElement): Request {
  const [version, name, auth, ...rest] = readChildren(element.value);
  if (rest.length > 0) throw new BerError('bind request of more than three parts');
  const common = {
    kind: 'bind' as const,
    version: readInteger(expectTag(version, TAG.integer, 'bind version')),
    name: readString(expectTag(name, TAG.octetString, 'bind name')),
  };
  if (!auth) throw new BerError('bind without authentication');
  if (auth.tag === 0x80) return { ...common, auth: 'simple', password: auth.value };
  if (auth.tag === 0xa3) {
    const [mechanism] = readChildren(auth.value);
    return {
      ...common,
      auth: 'sasl',
      mechanism: readString(expectTag(mechanism, TAG.octetString, 'mechanism')),
    };
  }
  throw new BerError(`unknown authentication choice 0x${auth.tag.toString(16)}`);
}

function decodeSearch(element: BerElement): SearchRequest {
  const [base, scope, deref, size, time, typesOnly, filter, attributes, ...rest] = readChildren(
    element.value,
  );
  if (rest.length > 0 || !filter) throw new BerError('search request of the wrong shape');
  const scopeValue = readInteger(expectTag(scope, TAG.enumerated, 'scope'));
  const derefValue = readInteger(expectTag(deref, TAG.enumerated, 'derefAliases'));
  const sizeLimit = readInteger(expectTag(size, TAG.integer, 'sizeLimit'));
  const timeLimit = readInteger(expectTag(time, TAG.integer, 'timeLimit'));
  if (!SCOPES[scopeValue] || derefValue < 0 || derefValue > 3 || sizeLimit < 0 || timeLimit < 0) {
    throw new BerError('search request value out of range');
  }
  return {
    kind: 'search',
    base: readString(expectTag(base, TAG.octetString, 'baseObject')),
    scope: SCOPES[scopeValue],
    sizeLimit,
    timeLimit,
    typesOnly: readBoolean(expectTag(typesOnly, TAG.boolean, 'typesOnly')),
    filter: decodeFilter(filter),
    attributes: readChildren(expectTag(attributes, TAG.sequence, 'attributes').value).map((a) =>
      readString(expectTag(a, TAG.octetString, 'attribute')),
    ),
  };
}

function decodeCompare(element: BerElement): Request {
  const [dn, ava, ...rest] = readChildren(element.value);
  if (rest.length > 0) throw new BerError('compare request of more than two parts');
  const [attribute, value, ...extra] = readChildren(expectTag(ava, TAG.sequence, 'compare assertion').value);
  if (extra.length > 0) throw new BerError('compare assertion of more than two parts');
  return {
    kind: 'compare',
    dn: readString(expectTag(dn, TAG.octetString, 'compare entry')),
    attribute: readString(expectTag(attribute, TAG.octetString, 'compare attribute')),
    value: readString(expectTag(value, TAG.octetString, 'compare value')),
  };
}

function decodeExtended(element: BerElement): Request {
  const [name, value, ...rest] = readChildren(element.value);
  if (rest.length > 0) throw new BerError('extended request of more than two parts');
  if (value && value.tag !== 0x81) throw new BerError('extended request value of the wrong tag');
  return { kind: 'extended', oid: readString(expectTag(name, 0x80, 'requestName')), value: value?.value };
}

function decodeControls(element: BerElement | undefined): Control[] {
  if (!element) return [];
  return readChildren(expectTag(element, 0xa0, 'controls').value).map((control) => {
    const [oid, ...parts] = readChildren(expectTag(control, TAG.sequence, 'control').value);
    let critical = false;
    let value: Buffer | undefined;
    for (const part of parts) {
      if (part.tag === TAG.boolean && value === undefined) critical = readBoolean(part);
      else if (part.tag === TAG.octetString && value === undefined) value = part.value;
      else throw new BerError('control of the wrong shape');
    }
    return { oid: readString(expectTag(oid, TAG.octetString, 'controlType')), critical, value };
  });
}

function decodeRequest(op: BerElement): Request {
  switch (op.tag) {
    case 0x60:
      return decodeBind(op);
    case 0x42:
      if (op.value.length !== 0) throw new BerError('unbind request with content');
      return { kind: 'unbind' };
    case 0x63:
      return decodeSearch(op);
    case 0x6e:
      return decodeCompare(op);
    case 0x77:
      return decodeExtended(op);
    case 0x50:
      return { kind: 'abandon', id: readInteger(op) };
    case 0x66:
      return { kind: 'write', op: 'modify' };
    case 0x68:
      return { kind: 'write', op: 'add' };
    case 0x4a:
      return { kind: 'write', op: 'delete' };
    case 0x6c:
      return { kind: 'write', op: 'modifyDn' };
    default:
      throw new BerError(`unknown protocol operation 0x${op.tag.toString(16)}`);
  }
}

/** The message ID of an LDAPMessage, when it can be read (to answer a message that is otherwise bad). */
export function peekMessageId(bytes: Buffer): number | undefined {
  try {
    const [id] = readChildren(expectTag(readElement(bytes), TAG.sequence, 'LDAPMessage').value);
    const value = readInteger(expectTag(id, TAG.integer, 'messageID'));
    return value >= 0 ? value : undefined;
  } catch {
    return undefined;
  }
}

/** Decodes one whole LDAPMessage (the bytes framing.ts cut out). */
export function decodeMessage(bytes: Buffer): Message {
  const message = expectTag(readElement(bytes), TAG.sequence, 'LDAPMessage');
  const [id, op, controls, ...rest] = readChildren(message.value);
  if (rest.length > 0) throw new BerError('LDAPMessage of more than three parts');
  const messageId = readInteger(expectTag(id, TAG.integer, 'messageID'));
  if (messageId < 0 || messageId > MAX_INT) throw new BerError('messageID out of range');
  if (!op) throw new BerError('LDAPMessage without an operation');
  return { id: messageId, request: decodeRequest(op), controls: decodeControls(controls) };
}
