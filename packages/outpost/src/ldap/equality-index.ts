/**
 * Equality indexes of a built directory, for the attributes clients look entries up by (SSSD and
 * applications: `memberOf`, `member`, `cn`, `uid`, `mail`, `sAMAccountName`): for each value as equality
 * compares it (match.ts), the entries holding it, in tree order. A search whose filter requires one such
 * equality, alone or inside a top-level AND, tests only those entries instead of its whole scope. The filter
 * still decides each entry and the order is the scan's, so the answer is the same, limits and paging
 * included (slapd answers `memberOf` from its index the same way).
 */
import type { Entry } from './entry.ts';
import type { Filter } from './filter.ts';
import { baseName, equalityKey, equalityValues } from './match.ts';

/** The indexed attributes, lower case. */
const INDEXED = ['memberof', 'member', 'cn', 'uid', 'mail', 'samaccountname'] as const;

/** Attribute → equality value → entries in tree order. */
export type EqualityIndex = ReadonlyMap<string, ReadonlyMap<string, readonly Entry[]>>;

const NONE: readonly Entry[] = [];

/** Indexes `entries`, given in tree order. */
export function buildEqualityIndex(entries: Iterable<Entry>): EqualityIndex {
  const index = new Map<string, Map<string, Entry[]>>(INDEXED.map((name) => [name, new Map()]));
  for (const entry of entries) {
    for (const [name, byValue] of index) {
      const attribute = entry.attributes.get(name);
      if (!attribute) continue;
      // A value given twice lists the entry once.
      for (const key of new Set(equalityValues(name, attribute))) {
        const list = byValue.get(key);
        if (list) list.push(entry);
        else byValue.set(key, [entry]);
      }
    }
  }
  return index;
}

function lookup(index: EqualityIndex, filter: Filter): readonly Entry[] | undefined {
  if (filter.type !== 'equal') return undefined;
  const name = baseName(filter.attribute);
  return index.get(name)?.get(equalityKey(name, filter.value)) ?? (index.has(name) ? NONE : undefined);
}

/**
 * The entries that may match `filter` by the index (a superset of the matches, in tree order), or
 * undefined when the filter requires no indexed equality. Of several in an AND, the shortest list.
 */
export function indexedCandidates(index: EqualityIndex, filter: Filter): readonly Entry[] | undefined {
  if (filter.type !== 'and') return lookup(index, filter);
  let best: readonly Entry[] | undefined;
  for (const part of filter.filters) {
    const list = lookup(index, part);
    if (list && (!best || list.length < best.length)) best = list;
  }
  return best;
}
