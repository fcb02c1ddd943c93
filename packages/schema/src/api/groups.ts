import { Type } from '@sinclair/typebox';
import { Attributes, DateTime, Nullable } from './common.ts';

/** The contract's PartialUser, as embedded in a group. */
export const PartialUser = Type.Object({
  pk: Type.Integer(),
  username: Type.String(),
  name: Type.String(),
  is_active: Type.Boolean(),
  last_login: Nullable(DateTime),
  email: Type.String(),
  attributes: Attributes,
  uid: Type.String(),
});

/** The contract's RelatedGroup (a parent or child). */
export const RelatedGroup = Type.Object({
  pk: Type.String({ format: 'uuid' }),
  name: Type.String(),
  is_superuser: Type.Boolean(),
  attributes: Attributes,
  group_uuid: Type.String({ format: 'uuid' }),
});

/** The contract's Group. */
export const Group = Type.Object({
  pk: Type.String({ format: 'uuid' }),
  num_pk: Type.Integer(),
  name: Type.String(),
  is_superuser: Type.Boolean(),
  parents: Type.Array(Type.String({ format: 'uuid' })),
  parents_obj: Type.Array(RelatedGroup),
  users: Type.Array(Type.Integer()),
  users_obj: Nullable(Type.Array(PartialUser)),
  attributes: Attributes,
  roles: Type.Array(Type.String()),
  roles_obj: Type.Array(Type.Unknown()),
  inherited_roles_obj: Type.Array(Type.Unknown()),
  children: Type.Array(Type.String({ format: 'uuid' })),
  children_obj: Type.Array(RelatedGroup),
});

const groupWritable = {
  name: Type.String({ minLength: 1, maxLength: 150 }),
  is_superuser: Type.Boolean(),
  parents: Type.Array(Type.String({ format: 'uuid' }), { maxItems: 100 }),
  users: Type.Array(Type.Integer({ minimum: 1 }), { maxItems: 10000 }),
  attributes: Attributes,
  roles: Type.Array(Type.String({ format: 'uuid' }), { maxItems: 0 }),
};

/** The contract's GroupRequest. */
export const GroupRequest = Type.Object(
  {
    name: groupWritable.name,
    is_superuser: Type.Optional(groupWritable.is_superuser),
    parents: Type.Optional(groupWritable.parents),
    users: Type.Optional(groupWritable.users),
    attributes: Type.Optional(groupWritable.attributes),
    roles: Type.Optional(groupWritable.roles),
  },
  { additionalProperties: false },
);

/** The contract's PatchedGroupRequest. */
export const PatchedGroupRequest = Type.Partial(Type.Object(groupWritable), { additionalProperties: false });

/** The contract's UserAccountRequest (add_user / remove_user). */
export const UserAccountRequest = Type.Object(
  { pk: Type.Integer({ minimum: 1 }) },
  { additionalProperties: false },
);
