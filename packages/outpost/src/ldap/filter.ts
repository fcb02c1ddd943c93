/**
 * Search filters (RFC 4511 §4.5.1.7): decoded from BER into a tree, with its depth and size bounded, and
 * printed back as RFC 4515 text for logs and the direct searcher's push-down.
 */
import {
  BerError,
  type BerElement,
  expectTag,
  readBoolean,
  readChildren,
  readElement,
  readString,
  TAG,
} from './ber.ts';

/** A decoded filter. Attribute names keep the client's spelling; matching lower-cases them. */
export type Filter =
  | { type: 'and' | 'or'; filters: Filter[] }
  | { type: 'not'; filter: Filter }
  | { type: 'equal' | 'greaterOrEqual' | 'lessOrEqual' | 'approx'; attribute: string; value: string }
  | { type: 'substrings'; attribute: string; initial?: string; any: string[]; final?: string }
  | { type: 'present'; attribute: string }
  | { type: 'extensible'; rule?: string; attribute?: string; value: string; dnAttributes: boolean };

/** How deep filters may nest (and/or/not), and how many items one may hold in all. */
export const MAX_FILTER_DEPTH = 32;
export const MAX_FILTER_ITEMS = 512;

const ASSERTION_TAGS: Record<number, 'equal' | 'greaterOrEqual' | 'lessOrEqual' | 'approx'> = {
  0xa3: 'equal',
  0xa5: 'greaterOrEqual',
  0xa6: 'lessOrEqual',
  0xa8: 'approx',
};

/** An AttributeDescription: a name or OID with options (RFC 4512 §2.5), nothing else. */
const ATTRIBUTE_DESCRIPTION = /^(?:[A-Za-z][A-Za-z0-9-]*|\d+(?:\.\d+)*)(?:;[A-Za-z0-9-]+)*$/;

function attributeName(element: BerElement | undefined, what: string): string {
  const name = readString(expectTag(element, TAG.octetString, what));
  if (!ATTRIBUTE_DESCRIPTION.test(name)) throw new BerError(`${what}: not an attribute description`);
  return name;
}

/** Decodes a Filter element; `budget` counts the items left across the whole filter. */
export function decodeFilter(element: BerElement, depth = 0, budget = { items: MAX_FILTER_ITEMS }): Filter {
  if (depth > MAX_FILTER_DEPTH) throw new BerError(`filter nested deeper than ${MAX_FILTER_DEPTH}`);
  if (--budget.items < 0) throw new BerError(`filter of more than ${MAX_FILTER_ITEMS} items`);
  const assertion = ASSERTION_TAGS[element.tag];
  if (assertion) {
    const [name, value, ...rest] = readChildren(element.value);
    if (rest.length > 0) throw new BerError('attribute value assertion of more than two parts');
    return {
      type: assertion,
      attribute: attributeName(name, 'assertion attribute'),
      value: readString(expectTag(value, TAG.octetString, 'assertion value')),
    };
  }
  switch (element.tag) {
    case 0xa0:
    case 0xa1:
      return {
        type: element.tag === 0xa0 ? 'and' : 'or',
        filters: readChildren(element.value).map((child) => decodeFilter(child, depth + 1, budget)),
      };
    case 0xa2:
      return { type: 'not', filter: decodeFilter(readElement(element.value), depth + 1, budget) };
    case 0x87:
      return {
        type: 'present',
        attribute: attributeName({ tag: TAG.octetString, value: element.value }, 'present'),
      };
    case 0xa4:
      return decodeSubstrings(element);
    case 0xa9:
      return decodeExtensible(element);
    default:
      throw new BerError(`unknown filter tag 0x${element.tag.toString(16)}`);
  }
}

function decodeSubstrings(element: BerElement): Filter {
  const [name, parts, ...rest] = readChildren(element.value);
  if (rest.length > 0) throw new BerError('substring filter of more than two parts');
  const filter: Filter & { type: 'substrings' } = {
    type: 'substrings',
    attribute: attributeName(name, 'substring attribute'),
    any: [],
  };
  const items = readChildren(expectTag(parts, TAG.sequence, 'substrings').value);
  if (items.length === 0) throw new BerError('substring filter without substrings');
  items.forEach((item, index) => {
    const text = readString(item);
    // RFC 4511: at most one initial, first; at most one final, last.
    if (item.tag === 0x80 && index === 0) filter.initial = text;
    else if (item.tag === 0x81) filter.any.push(text);
    else if (item.tag === 0x82 && index === items.length - 1) filter.final = text;
    else throw new BerError('substring filter parts out of order');
  });
  return filter;
}

function decodeExtensible(element: BerElement): Filter {
  let rule: string | undefined;
  let attribute: string | undefined;
  let value: string | undefined;
  let dnAttributes = false;
  let last = 0;
  for (const part of readChildren(element.value)) {
    if (part.tag <= last) throw new BerError('extensible match parts out of order');
    last = part.tag;
    if (part.tag === 0x81) rule = attributeName({ tag: TAG.octetString, value: part.value }, 'matching rule');
    else if (part.tag === 0x82)
      attribute = attributeName({ tag: TAG.octetString, value: part.value }, 'type');
    else if (part.tag === 0x83) value = readString(part);
    else if (part.tag === 0x84) dnAttributes = readBoolean(part);
    else throw new BerError(`unknown extensible match part 0x${part.tag.toString(16)}`);
  }
  if (value === undefined) throw new BerError('extensible match without a value');
  if (rule === undefined && attribute === undefined)
    throw new BerError('extensible match without rule or type');
  return { type: 'extensible', rule, attribute, value, dnAttributes };
}

/** RFC 4515 §3 escaping of an assertion value. */
function escapeValue(value: string): string {
  return value.replace(/[*()\\\0]/g, (c) => `\\${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

/** The filter as RFC 4515 text. */
export function filterToString(filter: Filter): string {
  switch (filter.type) {
    case 'and':
      return `(&${filter.filters.map(filterToString).join('')})`;
    case 'or':
      return `(|${filter.filters.map(filterToString).join('')})`;
    case 'not':
      return `(!${filterToString(filter.filter)})`;
    case 'equal':
      return `(${filter.attribute}=${escapeValue(filter.value)})`;
    case 'greaterOrEqual':
      return `(${filter.attribute}>=${escapeValue(filter.value)})`;
    case 'lessOrEqual':
      return `(${filter.attribute}<=${escapeValue(filter.value)})`;
    case 'approx':
      return `(${filter.attribute}~=${escapeValue(filter.value)})`;
    case 'present':
      return `(${filter.attribute}=*)`;
    case 'substrings':
      return `(${filter.attribute}=${escapeValue(filter.initial ?? '')}*${filter.any
        .map((a) => `${escapeValue(a)}*`)
        .join('')}${escapeValue(filter.final ?? '')})`;
    case 'extensible':
      return `(${filter.attribute ?? ''}${filter.dnAttributes ? ':dn' : ''}${
        filter.rule ? `:${filter.rule}` : ''
      }:=${escapeValue(filter.value)})`;
  }
}
