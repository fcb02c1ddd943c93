/**
 * One provider's directory tree, indexed: base, containers, then users, groups and virtual groups
 * (spec §1.3-1.5). Built from a snapshot of users and groups, whole, so a search never sees half a refresh.
 * A binder without the full-directory right gets a view built the same way from what they may see.
 */
import type { LdapProvider } from './config.ts';
import { parentOf } from './dn.ts';
import type { Entry } from './entry.ts';
import {
  type DirectoryGroup,
  type DirectoryUser,
  groupEntry,
  userEntry,
  virtualGroupEntry,
} from './entries.ts';
import { buildEqualityIndex, type EqualityIndex } from './equality-index.ts';
import { treeEntries } from './special-entries.ts';

/** Users and groups as fetched from the core. */
export interface DirectoryData {
  users: DirectoryUser[];
  groups: DirectoryGroup[];
}

/** A built tree. */
export interface Directory {
  readonly provider: LdapProvider;
  readonly data: DirectoryData;
  /** Every entry by normalized DN. */
  readonly byKey: ReadonlyMap<string, Entry>;
  /** The entries directly under a normalized DN, in tree order. */
  readonly children: ReadonlyMap<string, readonly Entry[]>;
  /** The base entry. */
  readonly base: Entry;
  /** Every entry below the base, by normalized DN: its parent's normalized DN. */
  readonly parents: ReadonlyMap<string, string>;
  /** Equality indexes (equality-index.ts), over the entries in tree order. */
  readonly index: EqualityIndex;
}

/** The entries of the subtree at `entry`, in tree order (the order every search answers in). */
export function* subtree(children: ReadonlyMap<string, readonly Entry[]>, entry: Entry): Generator<Entry> {
  yield entry;
  for (const child of children.get(entry.key) ?? []) yield* subtree(children, child);
}

/** Builds the tree of `provider` from `data`. */
export function buildDirectory(provider: LdapProvider, data: DirectoryData, version: string): Directory {
  const entries = treeEntries(provider, version);
  const usernames = new Map<number, string>();
  for (const user of data.users) usernames.set(user.pk, user.username);
  for (const user of data.users) {
    entries.push(
      userEntry(
        provider,
        user,
        user.groups_obj.map((g) => g.name),
      ),
    );
  }
  for (const group of data.groups) {
    const members = (group.users_obj ?? []).map((u) => u.username);
    entries.push(
      groupEntry(
        provider,
        group,
        members,
        (group.children_obj ?? []).map((c) => c.name),
      ),
    );
  }
  for (const user of data.users) entries.push(virtualGroupEntry(provider, user));
  const byKey = new Map<string, Entry>();
  const children = new Map<string, Entry[]>();
  const parents = new Map<string, string>();
  for (const entry of entries) {
    // Two names that normalize alike (case only) would share a DN: the first one keeps it.
    if (byKey.has(entry.key)) continue;
    byKey.set(entry.key, entry);
    if (entry.key === provider.baseKey) continue;
    const parent = parentOf(entry.key);
    parents.set(entry.key, parent);
    const list = children.get(parent);
    if (list) list.push(entry);
    else children.set(parent, [entry]);
  }
  const base = entries[0] as Entry;
  return {
    provider,
    data,
    byKey,
    children,
    base,
    parents,
    index: buildEqualityIndex(subtree(children, base)),
  };
}

/**
 * What user `pk` may see without the full-directory right (spec §1.7): their own entry and virtual group,
 * and the groups they belong to with every other member left out.
 */
export function selfOnlyData(data: DirectoryData, pk: number): DirectoryData {
  const self = data.users.find((u) => u.pk === pk);
  if (!self) return { users: [], groups: [] };
  const own = new Set(self.groups_obj.map((g) => g.pk));
  return {
    users: [self],
    groups: data.groups
      .filter((g) => own.has(g.pk) || (g.users_obj ?? []).some((u) => u.pk === pk))
      .map((g) => ({ ...g, users_obj: (g.users_obj ?? []).filter((u) => u.pk === pk), children_obj: [] })),
  };
}
