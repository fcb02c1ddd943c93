/**
 * What the LDAP module reads from the core, checked on arrival: the contract's shapes narrowed to the
 * fields used here (further properties allowed, as in @palisade/schema/outpost-reads).
 */
import { type Static, Type } from '@sinclair/typebox';
import { Group, PartialUser, RelatedGroup } from '@palisade/schema/api/groups';
import { LDAPOutpostConfig } from '@palisade/schema/api/outposts';
import { PartialGroup, User, UserSelf } from '@palisade/schema/api/users';
import { PolicyTestResult } from '@palisade/schema/api/applications';
import { compileChecker } from '../process/checked.ts';

function pageOf<T extends Parameters<typeof Type.Array>[0]>(item: T) {
  return Type.Object({
    pagination: Type.Object({ next: Type.Integer({ minimum: 0 }) }),
    results: Type.Array(item),
  });
}

const DirectoryUserShape = Type.Object({
  ...Type.Pick(User, [
    'pk',
    'username',
    'name',
    'email',
    'is_active',
    'is_superuser',
    'attributes',
    'uid',
    'date_joined',
    'last_updated',
    'password_change_date',
  ]).properties,
  groups_obj: Type.Array(Type.Pick(PartialGroup, ['pk', 'name'])),
});

const DirectoryGroupShape = Type.Object({
  ...Type.Pick(Group, ['pk', 'num_pk', 'name', 'is_superuser', 'attributes']).properties,
  users_obj: Type.Union([Type.Array(Type.Pick(PartialUser, ['pk', 'username'])), Type.Null()]),
  parents_obj: Type.Array(Type.Pick(RelatedGroup, ['name'])),
  children_obj: Type.Optional(Type.Array(Type.Pick(RelatedGroup, ['name']))),
});

/** One page of `GET /outposts/ldap/`. */
export const checkProviderPage = compileChecker(pageOf(LDAPOutpostConfig));
/** One page of `GET /core/users/`. */
export const checkUserPage = compileChecker(pageOf(DirectoryUserShape));
/** `GET /core/users/<pk>/`. */
export const checkUser = compileChecker(DirectoryUserShape);
/** One page of `GET /core/groups/`. */
export const checkGroupPage = compileChecker(pageOf(DirectoryGroupShape));
/** `GET /outposts/ldap/<pk>/check_access/`. */
export const checkAccess = compileChecker(
  Type.Object({ access: PolicyTestResult, has_search_permission: Type.Optional(Type.Boolean()) }),
);
/** `GET /core/users/me/`: the part a bind reads. */
export const checkMe = compileChecker(Type.Object({ user: Type.Pick(UserSelf, ['pk', 'username']) }));

/** A user as the directory reads it. */
export type DirectoryUser = Static<typeof DirectoryUserShape>;
/** A group as the directory reads it. */
export type DirectoryGroup = Static<typeof DirectoryGroupShape>;
