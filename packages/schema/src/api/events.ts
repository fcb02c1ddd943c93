import { Type } from '@sinclair/typebox';
import { Attributes, DateTime, Nullable } from './common.ts';

/** The contract's EventActions. */
export const EVENT_ACTIONS = [
  'login',
  'login_failed',
  'logout',
  'user_write',
  'suspicious_request',
  'password_set',
  'secret_view',
  'secret_rotate',
  'invitation_used',
  'authorize_application',
  'source_linked',
  'impersonation_started',
  'impersonation_ended',
  'flow_execution',
  'policy_execution',
  'policy_exception',
  'property_mapping_exception',
  'system_task_execution',
  'system_task_exception',
  'system_exception',
  'configuration_error',
  'configuration_warning',
  'model_created',
  'model_updated',
  'model_deleted',
  'email_sent',
  'update_available',
  'export_ready',
  'review_initiated',
  'review_overdue',
  'review_attested',
  'review_completed',
  'custom_',
] as const;

const EventAction = Type.Union(EVENT_ACTIONS.map((a) => Type.Literal(a)));

/** The contract's Event. */
export const Event = Type.Object({
  pk: Type.String({ format: 'uuid' }),
  user: Attributes,
  action: EventAction,
  app: Type.String(),
  context: Attributes,
  client_ip: Nullable(Type.String()),
  created: DateTime,
  expires: DateTime,
  brand: Attributes,
});

/** The contract's EventRequest (what an outpost posts: login events, configuration errors …). */
export const EventRequest = Type.Object(
  {
    action: EventAction,
    app: Type.String({ minLength: 1, maxLength: 200 }),
    user: Type.Optional(Attributes),
    context: Type.Optional(Attributes),
    client_ip: Type.Optional(Nullable(Type.String({ minLength: 1, maxLength: 100 }))),
    expires: Type.Optional(DateTime),
    brand: Type.Optional(Attributes),
  },
  { additionalProperties: false },
);
