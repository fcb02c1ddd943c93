/**
 * Users and groups from the core, for both search modes (spec §1.7), with the outpost's token: cached mode
 * fetches everything at each refresh; direct mode asks per search, pushing top-level equality items down
 * as query parameters (`cn`→username, `mail`→email, `memberOf`→groups_by_name; groups `cn`→name,
 * `member`→members_by_username) and leaving the rest to the filter run over what comes back.
 */
import type { CoreClient } from '../process/core-client.ts';
import type { LdapProvider } from './config.ts';
import { normalizeDn, parseDn } from './dn.ts';
import type { DirectoryData } from './directory.ts';
import type { Filter } from './filter.ts';
import { checkGroupPage, checkUser, checkUserPage } from './reads.ts';

/** Page size of the core's user and group lists. */
export const DIRECTORY_PAGE_SIZE = 100;

const USERS = 'core/users/?include_groups=true';
const GROUPS = 'core/groups/?include_users=true&include_children=true&include_parents=true';

/** Everything the outpost account may see. Any failing page rejects: a truncated list is never served. */
export async function fetchDirectory(
  client: CoreClient,
  pageSize = DIRECTORY_PAGE_SIZE,
): Promise<DirectoryData> {
  const [users, groups] = await Promise.all([
    client.pages(USERS, checkUserPage, pageSize),
    client.pages(GROUPS, checkGroupPage, pageSize),
  ]);
  return { users, groups };
}

/** The top-level equality items of a filter (alone, or in a top-level AND). */
function equalities(filter: Filter): { attribute: string; value: string }[] {
  if (filter.type === 'equal') return [{ attribute: filter.attribute.toLowerCase(), value: filter.value }];
  if (filter.type !== 'and') return [];
  return filter.filters.flatMap((f) =>
    f.type === 'equal' ? [{ attribute: f.attribute.toLowerCase(), value: f.value }] : [],
  );
}

/** The cn of a DN under `container` of `provider`, or undefined when the DN is elsewhere. */
function cnUnder(dn: string, container: string): string | undefined {
  const key = normalizeDn(dn);
  const containerKey = normalizeDn(container);
  const rdns = parseDn(dn);
  if (!key || !rdns || rdns.length < 2 || !containerKey) return undefined;
  if (!key.endsWith(`,${containerKey}`) || key.split(',').length !== containerKey.split(',').length + 1)
    return undefined;
  return rdns[0]?.find((a) => a.type.toLowerCase() === 'cn')?.value;
}

/** Query parameters for the users and groups lists from `filter`; `none` when no entry can match. */
export function pushDown(
  provider: LdapProvider,
  filter: Filter,
): { users: URLSearchParams | 'none'; groups: URLSearchParams | 'none' } {
  const users = new URLSearchParams();
  const groups = new URLSearchParams();
  let usersNone = false;
  let groupsNone = false;
  for (const { attribute, value } of equalities(filter)) {
    if (attribute === 'cn') {
      users.append('username', value);
      groups.append('name', value);
    } else if (attribute === 'mail') {
      users.append('email', value);
    } else if (attribute === 'memberof') {
      const group = cnUnder(value, provider.groupsDn);
      if (group === undefined) usersNone = true;
      else users.append('groups_by_name', group);
    } else if (attribute === 'member') {
      const user = cnUnder(value, provider.usersDn);
      if (user === undefined) groupsNone = true;
      else groups.append('members_by_username', user);
    }
  }
  return { users: usersNone ? 'none' : users, groups: groupsNone ? 'none' : groups };
}

function withParams(path: string, params: URLSearchParams): string {
  const extra = params.toString();
  return extra ? `${path}&${extra}` : path;
}

/**
 * What a search base narrows: a base on one user (or their virtual group) needs that user only, a base on
 * one group that group only, a base on a container only that container's kind.
 */
export function narrowByBase(
  provider: LdapProvider,
  baseDn: string,
  pushed: ReturnType<typeof pushDown>,
): ReturnType<typeof pushDown> {
  const key = normalizeDn(baseDn);
  const only = (kind: 'users' | 'groups', name?: string) => {
    const params = pushed[kind];
    if (params !== 'none' && name !== undefined) params.append(kind === 'users' ? 'username' : 'name', name);
    return kind === 'users'
      ? { users: params, groups: 'none' as const }
      : { users: 'none' as const, groups: params };
  };
  if (key === normalizeDn(provider.usersDn) || key === normalizeDn(provider.virtualGroupsDn))
    return only('users');
  if (key === normalizeDn(provider.groupsDn)) return only('groups');
  const user = cnUnder(baseDn, provider.usersDn) ?? cnUnder(baseDn, provider.virtualGroupsDn);
  if (user !== undefined) return only('users', user);
  const group = cnUnder(baseDn, provider.groupsDn);
  if (group !== undefined) return only('groups', group);
  return pushed;
}

/** Direct mode, full directory: users and groups a search under `baseDn` may match, in parallel. */
export async function fetchForFilter(
  client: CoreClient,
  provider: LdapProvider,
  filter: Filter,
  baseDn: string,
  pageSize = DIRECTORY_PAGE_SIZE,
): Promise<DirectoryData> {
  const pushed = narrowByBase(provider, baseDn, pushDown(provider, filter));
  const [users, groups] = await Promise.all([
    pushed.users === 'none' ? [] : client.pages(withParams(USERS, pushed.users), checkUserPage, pageSize),
    pushed.groups === 'none' ? [] : client.pages(withParams(GROUPS, pushed.groups), checkGroupPage, pageSize),
  ]);
  return { users, groups };
}

/** Direct mode, self only: the binder and the groups they are in (their member lists cut later). */
export async function fetchSelf(
  client: CoreClient,
  pk: number,
  pageSize = DIRECTORY_PAGE_SIZE,
): Promise<DirectoryData> {
  const [user, groups] = await Promise.all([
    client.get(`core/users/${pk}/`, checkUser),
    client.pages(`${GROUPS}&members_by_pk=${pk}`, checkGroupPage, pageSize),
  ]);
  return { users: [user], groups };
}
