/**
 * A search over a built directory (RFC 4511 §4.5): candidates by scope from the base (only those an
 * equality index names, when the filter requires such an equality: equality-index.ts), the filter, the
 * size limit and the time limit. The caller picks the directory (the snapshot, a self-only view, or a
 * direct fetch), so every mode answers through the same code.
 */
import { type Directory, subtree } from './directory.ts';
import { isUnder } from './dn.ts';
import type { Entry } from './entry.ts';
import type { Filter } from './filter.ts';
import { indexedCandidates } from './equality-index.ts';
import { matches } from './match.ts';
import type { Scope } from './messages.ts';
import { RESULT } from './result-codes.ts';

/** What a search found. */
export interface SearchOutcome {
  code: number;
  message: string;
  entries: Entry[];
}

/** The search asked of one directory. */
export interface TreeSearch {
  baseKey: string;
  scope: Scope;
  filter: Filter;
  /** 0: none. */
  sizeLimit: number;
  /** Epoch ms after which the search stops with timeLimitExceeded; Infinity for none. */
  deadline: number;
}

/** The entries in `search`'s scope from `base`, in tree order; from an index when the filter allows. */
function candidates(directory: Directory, base: Entry, search: TreeSearch): Iterable<Entry> {
  if (search.scope === 'base') return [base];
  const indexed = indexedCandidates(directory.index, search.filter);
  if (search.scope === 'one') {
    return indexed
      ? indexed.filter((e) => directory.parents.get(e.key) === base.key)
      : (directory.children.get(base.key) ?? []);
  }
  if (!indexed) return subtree(directory.children, base);
  return base === directory.base ? indexed : indexed.filter((e) => isUnder(e.key, base.key));
}

/** Runs `search` over `directory`. */
export function searchTree(
  directory: Directory,
  search: TreeSearch,
  now: () => number = Date.now,
): SearchOutcome {
  const base = directory.byKey.get(search.baseKey);
  if (!base) return { code: RESULT.noSuchObject, message: 'no such entry', entries: [] };
  const entries: Entry[] = [];
  let seen = 0;
  for (const entry of candidates(directory, base, search)) {
    if (++seen % 256 === 0 && now() > search.deadline) {
      return { code: RESULT.timeLimitExceeded, message: 'time limit exceeded', entries };
    }
    if (!matches(entry, search.filter)) continue;
    if (search.sizeLimit > 0 && entries.length >= search.sizeLimit) {
      return { code: RESULT.sizeLimitExceeded, message: 'size limit exceeded', entries };
    }
    entries.push(entry);
  }
  return { code: RESULT.success, message: '', entries };
}
