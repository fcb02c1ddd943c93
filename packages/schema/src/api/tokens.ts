import { Type } from '@sinclair/typebox';
import { DateTime, Nullable } from './common.ts';
import { User } from './users.ts';

/** The contract's IntentEnum. */
export const IntentEnum = Type.Union([
  Type.Literal('verification'),
  Type.Literal('api'),
  Type.Literal('recovery'),
  Type.Literal('app_password'),
]);

const Identifier = Type.String({ minLength: 1, maxLength: 255, pattern: '^[-a-zA-Z0-9_]+$' });

/** The contract's Token. */
export const Token = Type.Object({
  pk: Type.String({ format: 'uuid' }),
  managed: Nullable(Type.String()),
  identifier: Type.String(),
  intent: IntentEnum,
  user: Type.Integer(),
  user_obj: User,
  description: Type.String(),
  expires: Nullable(DateTime),
  expiring: Type.Boolean(),
});

const tokenWritable = {
  managed: Nullable(Type.String({ minLength: 1, maxLength: 200 })),
  identifier: Identifier,
  intent: IntentEnum,
  user: Type.Integer({ minimum: 1 }),
  description: Type.String({ maxLength: 1000 }),
  expires: Nullable(DateTime),
  expiring: Type.Boolean(),
};

/** The contract's TokenRequest. */
export const TokenRequest = Type.Object(
  {
    identifier: tokenWritable.identifier,
    managed: Type.Optional(tokenWritable.managed),
    intent: Type.Optional(tokenWritable.intent),
    user: Type.Optional(tokenWritable.user),
    description: Type.Optional(tokenWritable.description),
    expires: Type.Optional(tokenWritable.expires),
    expiring: Type.Optional(tokenWritable.expiring),
  },
  { additionalProperties: false },
);

/** The contract's PatchedTokenRequest. */
export const PatchedTokenRequest = Type.Partial(Type.Object(tokenWritable), { additionalProperties: false });

/** The contract's TokenView. */
export const TokenView = Type.Object({ key: Type.String() });

/** The contract's TokenSetKeyRequest. Keys are secrets: at least 16 characters. */
export const TokenSetKeyRequest = Type.Object(
  { key: Type.String({ minLength: 16, maxLength: 512 }) },
  { additionalProperties: false },
);
