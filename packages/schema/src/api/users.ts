import { Type } from '@sinclair/typebox';
import { Attributes, DateTime, Nullable } from './common.ts';

/** Usernames: letters, digits and @ . + - _ (as the contract documents), at most 150 characters. */
export const Username = Type.String({ minLength: 1, maxLength: 150, pattern: '^[\\w.@+-]+$' });

/** An email address, or the empty string for none. */
export const Email = Type.Union([Type.Literal(''), Type.String({ format: 'email', maxLength: 254 })]);

/** The contract's UserTypeEnum. */
export const UserTypeEnum = Type.Union([
  Type.Literal('internal'),
  Type.Literal('external'),
  Type.Literal('service_account'),
  Type.Literal('internal_service_account'),
]);

/** The contract's PartialGroup, as embedded in a user. */
export const PartialGroup = Type.Object({
  pk: Type.String({ format: 'uuid' }),
  num_pk: Type.Integer(),
  name: Type.String(),
  is_superuser: Type.Boolean(),
  attributes: Attributes,
});

/** The contract's User. */
export const User = Type.Object({
  pk: Type.Integer(),
  username: Type.String(),
  name: Type.String(),
  is_active: Type.Boolean(),
  last_login: Nullable(DateTime),
  date_joined: DateTime,
  is_superuser: Type.Boolean(),
  groups: Type.Array(Type.String({ format: 'uuid' })),
  groups_obj: Type.Array(PartialGroup),
  roles: Type.Array(Type.String()),
  roles_obj: Type.Array(Type.Unknown()),
  email: Type.String(),
  avatar: Type.String(),
  attributes: Attributes,
  uid: Type.String(),
  path: Type.String(),
  type: UserTypeEnum,
  uuid: Type.String({ format: 'uuid' }),
  password_change_date: DateTime,
  last_updated: DateTime,
});

const userWritable = {
  username: Username,
  name: Type.String({ maxLength: 300 }),
  is_active: Type.Boolean(),
  last_login: Nullable(DateTime),
  groups: Type.Array(Type.String({ format: 'uuid' }), { maxItems: 1000 }),
  roles: Type.Array(Type.String({ format: 'uuid' }), { maxItems: 0 }),
  email: Email,
  attributes: Attributes,
  path: Type.String({ minLength: 1, maxLength: 200, pattern: '^[^/].*[^/]$|^[^/]$' }),
  type: UserTypeEnum,
};

/** The contract's UserRequest (create / replace). */
export const UserRequest = Type.Object(
  {
    ...userWritable,
    name: userWritable.name,
    username: userWritable.username,
    is_active: Type.Optional(userWritable.is_active),
    last_login: Type.Optional(userWritable.last_login),
    groups: Type.Optional(userWritable.groups),
    roles: Type.Optional(userWritable.roles),
    email: Type.Optional(userWritable.email),
    attributes: Type.Optional(userWritable.attributes),
    path: Type.Optional(userWritable.path),
    type: Type.Optional(userWritable.type),
  },
  { additionalProperties: false },
);

/** The contract's PatchedUserRequest. */
export const PatchedUserRequest = Type.Partial(Type.Object(userWritable), { additionalProperties: false });

/** The contract's UserPasswordSetRequest. */
export const UserPasswordSetRequest = Type.Object(
  { password: Type.String({ minLength: 1, maxLength: 4096 }) },
  { additionalProperties: false },
);

/** The contract's UserServiceAccountRequest. */
export const UserServiceAccountRequest = Type.Object(
  {
    name: Username,
    create_group: Type.Optional(Type.Boolean({ default: false })),
    expiring: Type.Optional(Type.Boolean({ default: true })),
    expires: Type.Optional(DateTime),
  },
  { additionalProperties: false },
);

/** The contract's UserServiceAccountResponse. */
export const UserServiceAccountResponse = Type.Object({
  username: Type.String(),
  token: Type.String(),
  user_uid: Type.String(),
  user_pk: Type.Integer(),
  group_pk: Type.Optional(Type.String()),
});

/** The contract's UserSelf (what /core/users/me/ returns under `user`). */
export const UserSelf = Type.Object({
  pk: Type.Integer(),
  username: Type.String(),
  name: Type.String(),
  is_active: Type.Boolean(),
  is_superuser: Type.Boolean(),
  groups: Type.Array(Type.Object({ pk: Type.String(), name: Type.String() })),
  roles: Type.Array(Type.Object({ pk: Type.String(), name: Type.String() })),
  email: Type.String(),
  avatar: Type.String(),
  uid: Type.String(),
  settings: Type.Record(Type.String(), Type.Unknown()),
  type: UserTypeEnum,
  system_permissions: Type.Array(Type.String()),
});

/** The contract's SessionUser. */
export const SessionUser = Type.Object({ user: UserSelf, original: Type.Optional(UserSelf) });
