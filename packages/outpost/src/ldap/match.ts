/**
 * Evaluates a search filter against an entry (RFC 4511 §4.5.1.7). Values compare case-insensitively (the
 * directory's attributes are directoryString, IA5 or DN syntaxes, whose equality rules ignore case);
 * DN-valued attributes compare in normalized form, ordering compares numbers as numbers.
 */
import { normalizeDnCached, parseDn } from './dn.ts';
import { type Attribute, type Entry, valuesOf } from './entry.ts';
import type { Filter } from './filter.ts';

/** Attributes whose values are DNs: compared in normalized form. */
const DN_ATTRIBUTES = new Set(['member', 'memberof', 'distinguishedname', 'entrydn', 'namingcontexts']);
/** AD's bitwise matching rules (userAccountControl queries). */
const BIT_AND = '1.2.840.113556.1.4.803';
const BIT_OR = '1.2.840.113556.1.4.804';
const CASE_EXACT = new Set(['caseExactMatch', '2.5.13.5']);

/** The lower-cased name a filter's attribute description matches (its options left out). */
export function baseName(attribute: string): string {
  // Options (`cn;lang-en`) are not kept on this directory's attributes: match the base name.
  return (attribute.split(';')[0] ?? attribute).toLowerCase();
}

const normalizedDn = (value: string) => normalizeDnCached(value) ?? value.toLowerCase();

const lowerCase = (value: string) => value.toLowerCase();

function normalizer(attribute: string): (value: string) => string {
  return DN_ATTRIBUTES.has(attribute) ? normalizedDn : lowerCase;
}

/** Attribute `name`'s value as an equality filter compares it (DNs normalized, other values lower-cased). */
export function equalityKey(name: string, value: string): string {
  return normalizer(name)(value);
}

/**
 * The values of `attribute` (named `name`, lower case) as equality compares them. A search compares the
 * same entries again and again: they are normalized once and kept on the attribute.
 */
export function equalityValues(name: string, attribute: Attribute): readonly string[] {
  return (attribute.compared ??= attribute.values.map(normalizer(name)));
}

function compareOrdered(a: string, b: string): number {
  if (/^-?\d+$/.test(a) && /^-?\d+$/.test(b)) return Number(a) - Number(b);
  return a < b ? -1 : a > b ? 1 : 0;
}

function substringMatch(value: string, filter: Filter & { type: 'substrings' }): boolean {
  let rest = value.toLowerCase();
  if (filter.initial !== undefined) {
    const initial = filter.initial.toLowerCase();
    if (!rest.startsWith(initial)) return false;
    rest = rest.slice(initial.length);
  }
  for (const part of filter.any) {
    const index = rest.indexOf(part.toLowerCase());
    if (index < 0) return false;
    rest = rest.slice(index + part.length);
  }
  return filter.final === undefined || rest.endsWith(filter.final.toLowerCase());
}

function extensibleMatch(entry: Entry, filter: Filter & { type: 'extensible' }): boolean {
  const names = filter.attribute ? [baseName(filter.attribute)] : [...entry.attributes.keys()];
  const test = (name: string, value: string): boolean => {
    if (filter.rule === BIT_AND || filter.rule === BIT_OR) {
      if (!/^\d+$/.test(value) || !/^\d+$/.test(filter.value)) return false;
      const bits = BigInt(value) & BigInt(filter.value);
      return filter.rule === BIT_AND ? bits === BigInt(filter.value) : bits !== 0n;
    }
    if (filter.rule && CASE_EXACT.has(filter.rule)) return value === filter.value;
    const normal = normalizer(name);
    return normal(value) === normal(filter.value);
  };
  if (names.some((name) => valuesOf(entry, name).some((value) => test(name, value)))) return true;
  if (!filter.dnAttributes) return false;
  // dnAttributes: the DN's own attribute values take part too (RFC 4511 §4.5.1.7.7).
  return (parseDn(entry.dn) ?? []).some((rdn) =>
    rdn.some(
      (ava) =>
        (!filter.attribute || baseName(filter.attribute) === ava.type.toLowerCase()) &&
        test(ava.type.toLowerCase(), ava.value),
    ),
  );
}

/** Whether `entry` matches `filter`. */
export function matches(entry: Entry, filter: Filter): boolean {
  switch (filter.type) {
    case 'and':
      return filter.filters.every((f) => matches(entry, f));
    case 'or':
      return filter.filters.some((f) => matches(entry, f));
    case 'not':
      return !matches(entry, filter.filter);
    case 'present': {
      const name = baseName(filter.attribute);
      return name === 'objectclass' || valuesOf(entry, name).length > 0;
    }
    case 'equal': {
      const name = baseName(filter.attribute);
      const attribute = entry.attributes.get(name);
      return (
        attribute !== undefined && equalityValues(name, attribute).includes(equalityKey(name, filter.value))
      );
    }
    case 'approx': {
      // No phonetic matching: approximate is equality without white space and case.
      const squash = (v: string) => v.replace(/\s+/g, '').toLowerCase();
      const wanted = squash(filter.value);
      return valuesOf(entry, baseName(filter.attribute)).some((v) => squash(v) === wanted);
    }
    case 'greaterOrEqual':
    case 'lessOrEqual': {
      const sign = filter.type === 'greaterOrEqual' ? 1 : -1;
      const wanted = filter.value.toLowerCase();
      return valuesOf(entry, baseName(filter.attribute)).some(
        (v) => sign * compareOrdered(v.toLowerCase(), wanted) >= 0,
      );
    }
    case 'substrings':
      return valuesOf(entry, baseName(filter.attribute)).some((v) => substringMatch(v, filter));
    case 'extensible':
      return extensibleMatch(entry, filter);
  }
}
