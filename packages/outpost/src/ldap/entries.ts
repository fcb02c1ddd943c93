/**
 * The entries of users, groups and virtual groups (spec §1.4, §1.5), built from the core's User and Group
 * objects. Custom attributes come first and win over the built-ins of the same name (case-insensitively).
 */
import type { LdapProvider } from './config.ts';
import { escapeDnValue, normalizeDn } from './dn.ts';
import { attributeMap, type Entry } from './entry.ts';
import type { DirectoryGroup, DirectoryUser } from './reads.ts';

export type { DirectoryGroup, DirectoryUser } from './reads.ts';

const USER_CLASSES = [
  'top',
  'person',
  'organizationalPerson',
  'inetOrgPerson',
  'user',
  'posixAccount',
  'goauthentik.io/ldap/user',
];
const GROUP_CLASSES = [
  'group',
  'groupOfUniqueNames',
  'groupOfNames',
  'goauthentik.io/ldap/group',
  'posixGroup',
];
/** Attribute names a custom key may become; others (spaces, punctuation) are left out. */
const ATTRIBUTE_NAME = /^[A-Za-z][A-Za-z0-9-]*$/;

/** The DN of user `username` in `provider`. */
export function userDn(provider: LdapProvider, username: string): string {
  return `cn=${escapeDnValue(username)},${provider.usersDn}`;
}

/** The DN of group `name`. */
export function groupDn(provider: LdapProvider, name: string): string {
  return `cn=${escapeDnValue(name)},${provider.groupsDn}`;
}

function virtualGroupDn(provider: LdapProvider, username: string): string {
  return `cn=${escapeDnValue(username)},${provider.virtualGroupsDn}`;
}

function stringify(value: unknown): string[] {
  if (value === null || value === undefined) return [];
  if (Array.isArray(value)) return value.flatMap(stringify);
  if (typeof value === 'string') return [value];
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint')
    return [String(value)];
  return [JSON.stringify(value)];
}

/** Custom attributes (spec §1.4): `/` becomes `-`, `.` is dropped; `%s` is the username for users. */
function customAttributes(attributes: Record<string, unknown>, username?: string): [string, string[]][] {
  const pairs: [string, string[]][] = [];
  for (const [key, value] of Object.entries(attributes)) {
    const name = key.replaceAll('/', '-').replaceAll('.', '');
    if (!ATTRIBUTE_NAME.test(name)) continue;
    const values = stringify(value).map((v) => (username === undefined ? v : v.replaceAll('%s', username)));
    if (values.length > 0) pairs.push([name, values]);
  }
  return pairs;
}

/** GeneralizedTime (`YYYYMMDDhhmmssZ`, UTC) of an ISO date, or nothing for one that does not parse. */
function generalizedTime(iso: string | null | undefined): string[] {
  const time = iso ? new Date(iso) : undefined;
  if (!time || Number.isNaN(time.getTime())) return [];
  return [
    time
      .toISOString()
      .replace(/[-:T]/g, '')
      .replace(/\.\d+Z$/, 'Z'),
  ];
}

function flag(value: boolean): string[] {
  return [value ? 'TRUE' : 'FALSE'];
}

/** Custom first, then each built-in whose name is not taken yet. */
function entryOf(dn: string, custom: [string, string[]][], builtIns: [string, string[]][]): Entry {
  const taken = new Set(custom.map(([name]) => name.toLowerCase()));
  const attributes = attributeMap([
    ...custom,
    ...builtIns.filter(([name]) => !taken.has(name.toLowerCase())),
  ]);
  return { dn, key: normalizeDn(dn) as string, attributes };
}

function numberAttribute(attributes: Record<string, unknown>, name: string): string | undefined {
  const value = attributes[name];
  return typeof value === 'string' || typeof value === 'number' ? String(value) : undefined;
}

/** The uidNumber of a user. */
export function uidNumber(provider: LdapProvider, user: DirectoryUser): string {
  return numberAttribute(user.attributes, 'uidNumber') ?? String(provider.uidStartNumber + user.pk);
}

/** A user's entry. */
export function userEntry(provider: LdapProvider, user: DirectoryUser, groupNames: readonly string[]): Entry {
  const uid = uidNumber(provider, user);
  return entryOf(userDn(provider, user.username), customAttributes(user.attributes, user.username), [
    ['cn', [user.username]],
    ['sAMAccountName', [user.username]],
    ['uid', [user.uid]],
    ['name', [user.name]],
    ['displayName', [user.name]],
    ['sn', [user.name]],
    ['mail', [user.email]],
    ['memberOf', groupNames.map((name) => groupDn(provider, name))],
    ['objectClass', USER_CLASSES],
    ['uidNumber', [uid]],
    ['gidNumber', [numberAttribute(user.attributes, 'gidNumber') ?? uid]],
    ['homeDirectory', [`/home/${user.username}`]],
    ['ak-active', flag(user.is_active)],
    ['ak-superuser', flag(user.is_superuser)],
    ['pwdChangedTime', generalizedTime(user.password_change_date)],
    ['createTimestamp', generalizedTime(user.date_joined)],
    ['modifyTimestamp', generalizedTime(user.last_updated)],
  ]);
}

/** A user's virtual group (one per user, spec §1.5). */
export function virtualGroupEntry(provider: LdapProvider, user: DirectoryUser): Entry {
  return entryOf(
    virtualGroupDn(provider, user.username),
    [],
    [
      ['cn', [user.username]],
      ['uid', [user.uid]],
      ['gidNumber', [numberAttribute(user.attributes, 'gidNumber') ?? uidNumber(provider, user)]],
      ['member', [userDn(provider, user.username)]],
      ['ak-superuser', flag(false)],
      ['objectClass', [...GROUP_CLASSES, 'goauthentik.io/ldap/virtual-group']],
    ],
  );
}

/** A group's entry; `memberNames` are the usernames listed as members. */
export function groupEntry(
  provider: LdapProvider,
  group: DirectoryGroup,
  memberNames: readonly string[],
  childNames: readonly string[],
): Entry {
  return entryOf(groupDn(provider, group.name), customAttributes(group.attributes), [
    ['cn', [group.name]],
    ['sAMAccountName', [group.name]],
    ['uid', [group.pk]],
    [
      'gidNumber',
      [numberAttribute(group.attributes, 'gidNumber') ?? String(provider.gidStartNumber + group.num_pk)],
    ],
    [
      'member',
      [
        ...memberNames.map((name) => userDn(provider, name)),
        ...childNames.map((name) => groupDn(provider, name)),
      ],
    ],
    ['memberOf', group.parents_obj.map((parent) => groupDn(provider, parent.name))],
    ['ak-superuser', flag(group.is_superuser)],
    ['objectClass', GROUP_CLASSES],
  ]);
}
