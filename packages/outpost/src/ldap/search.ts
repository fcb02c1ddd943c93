/**
 * A search over a built directory (RFC 4511 §4.5): candidates by scope from the base, the filter, the size
 * limit and the time limit. The caller picks the directory (the snapshot, a self-only view, or a direct
 * fetch), so every mode answers through the same code.
 */
import type { Directory } from './directory.ts';
import type { Entry } from './entry.ts';
import type { Filter } from './filter.ts';
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

function* subtree(directory: Directory, entry: Entry): Generator<Entry> {
  yield entry;
  for (const child of directory.children.get(entry.key) ?? []) yield* subtree(directory, child);
}

/** Runs `search` over `directory`. */
export function searchTree(
  directory: Directory,
  search: TreeSearch,
  now: () => number = Date.now,
): SearchOutcome {
  const base = directory.byKey.get(search.baseKey);
  if (!base) return { code: RESULT.noSuchObject, message: 'no such entry', entries: [] };
  const candidates: Iterable<Entry> =
    search.scope === 'base'
      ? [base]
      : search.scope === 'one'
        ? (directory.children.get(base.key) ?? [])
        : subtree(directory, base);
  const entries: Entry[] = [];
  let seen = 0;
  for (const entry of candidates) {
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
