import { Type } from '@sinclair/typebox';
import { Nullable } from './common.ts';
import { PartialUser } from './groups.ts';
import { PartialGroup } from './users.ts';
import { Provider } from './providers.ts';

/** The contract's PolicyEngineMode. */
export const PolicyEngineMode = Type.Union([Type.Literal('all'), Type.Literal('any')]);

const Slug = Type.String({ minLength: 1, maxLength: 50, pattern: '^[-a-zA-Z0-9_]+$' });

/** A URL, or the empty string for none (the reference stores blank launch URLs as ""). */
const OptionalUrl = Type.Union([Type.Literal(''), Type.String({ format: 'uri', maxLength: 2000 })]);

/** The contract's Application: provider_obj is its provider (null without one). */
export const Application = Type.Object({
  pk: Type.String({ format: 'uuid' }),
  name: Type.String(),
  slug: Type.String(),
  provider: Nullable(Type.Integer()),
  provider_obj: Nullable(Provider),
  backchannel_providers: Type.Array(Type.Integer()),
  backchannel_providers_obj: Type.Array(Type.Unknown()),
  launch_url: Nullable(Type.String()),
  open_in_new_tab: Type.Boolean(),
  meta_launch_url: Type.String(),
  meta_icon: Type.String(),
  meta_icon_url: Nullable(Type.String()),
  meta_icon_themed_urls: Type.Null(),
  meta_description: Type.String(),
  meta_publisher: Type.String(),
  policy_engine_mode: PolicyEngineMode,
  group: Type.String(),
});

const applicationWritable = {
  name: Type.String({ minLength: 1, maxLength: 250 }),
  slug: Slug,
  provider: Nullable(Type.Integer({ minimum: 1 })),
  backchannel_providers: Type.Array(Type.Integer({ minimum: 1 }), { maxItems: 0 }),
  open_in_new_tab: Type.Boolean(),
  meta_launch_url: OptionalUrl,
  meta_icon: Type.String({ maxLength: 2000 }),
  meta_description: Type.String({ maxLength: 5000 }),
  meta_publisher: Type.String({ maxLength: 500 }),
  policy_engine_mode: PolicyEngineMode,
  group: Type.String({ maxLength: 250 }),
};

/** The contract's ApplicationRequest. */
export const ApplicationRequest = Type.Object(
  {
    name: applicationWritable.name,
    slug: applicationWritable.slug,
    provider: Type.Optional(applicationWritable.provider),
    backchannel_providers: Type.Optional(applicationWritable.backchannel_providers),
    open_in_new_tab: Type.Optional(applicationWritable.open_in_new_tab),
    meta_launch_url: Type.Optional(applicationWritable.meta_launch_url),
    meta_icon: Type.Optional(applicationWritable.meta_icon),
    meta_description: Type.Optional(applicationWritable.meta_description),
    meta_publisher: Type.Optional(applicationWritable.meta_publisher),
    policy_engine_mode: Type.Optional(applicationWritable.policy_engine_mode),
    group: Type.Optional(applicationWritable.group),
  },
  { additionalProperties: false },
);

/** The contract's PatchedApplicationRequest. */
export const PatchedApplicationRequest = Type.Partial(Type.Object(applicationWritable), {
  additionalProperties: false,
});

/** The contract's PolicyTestResult (check_access). */
export const PolicyTestResult = Type.Object({
  passing: Type.Boolean(),
  messages: Type.Array(Type.String()),
  log_messages: Type.Array(Type.Unknown()),
});

/** The contract's PolicyBinding. */
export const PolicyBinding = Type.Object({
  pk: Type.String({ format: 'uuid' }),
  policy: Nullable(Type.String({ format: 'uuid' })),
  group: Nullable(Type.String({ format: 'uuid' })),
  user: Nullable(Type.Integer()),
  policy_obj: Type.Null(),
  group_obj: Nullable(PartialGroup),
  user_obj: Nullable(PartialUser),
  target: Type.String({ format: 'uuid' }),
  negate: Type.Boolean(),
  enabled: Type.Boolean(),
  order: Type.Integer(),
  timeout: Type.Integer(),
  failure_result: Type.Boolean(),
});

const bindingWritable = {
  policy: Nullable(Type.String({ format: 'uuid' })),
  group: Nullable(Type.String({ format: 'uuid' })),
  user: Nullable(Type.Integer({ minimum: 1 })),
  target: Type.String({ format: 'uuid' }),
  negate: Type.Boolean(),
  enabled: Type.Boolean(),
  order: Type.Integer({ minimum: -2147483648, maximum: 2147483647 }),
  timeout: Type.Integer({ minimum: 0, maximum: 2147483647 }),
  failure_result: Type.Boolean(),
};

/** The contract's PolicyBindingRequest. */
export const PolicyBindingRequest = Type.Object(
  {
    policy: Type.Optional(bindingWritable.policy),
    group: Type.Optional(bindingWritable.group),
    user: Type.Optional(bindingWritable.user),
    target: bindingWritable.target,
    negate: Type.Optional(bindingWritable.negate),
    enabled: Type.Optional(bindingWritable.enabled),
    order: bindingWritable.order,
    timeout: Type.Optional(bindingWritable.timeout),
    failure_result: Type.Optional(bindingWritable.failure_result),
  },
  { additionalProperties: false },
);

/** The contract's PatchedPolicyBindingRequest. */
export const PatchedPolicyBindingRequest = Type.Partial(Type.Object(bindingWritable), {
  additionalProperties: false,
});
