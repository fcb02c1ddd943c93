import { Type } from '@sinclair/typebox';
import { DateTime, Nullable } from './common.ts';

/** The contract's LogEvent: one log line of a task run. */
export const LogEvent = Type.Object({
  timestamp: DateTime,
  log_level: Type.Union(
    ['critical', 'exception', 'error', 'warn', 'warning', 'info', 'debug', 'notset'].map((l) =>
      Type.Literal(l),
    ),
  ),
  logger: Type.String(),
  event: Type.String(),
  attributes: Type.Record(Type.String(), Type.Unknown()),
});

/** The contract's TaskAggregatedStatusEnum values a Palisade task takes. */
export const TaskAggregatedStatus = Type.Union(
  ['running', 'done', 'info', 'warning', 'error'].map((s) => Type.Literal(s)),
);

/** The contract's Task: the last run of one task (controllers.md §6.2). */
export const Task = Type.Object({
  message_id: Type.String({ format: 'uuid' }),
  queue_name: Type.String(),
  actor_name: Type.String(),
  state: Type.Union([Type.Literal('running'), Type.Literal('done')]),
  mtime: DateTime,
  retries: Type.Integer(),
  eta: Nullable(DateTime),
  rel_obj_app_label: Type.String(),
  rel_obj_model: Type.String(),
  rel_obj_id: Nullable(Type.String()),
  uid: Type.String(),
  logs: Type.Array(LogEvent),
  previous_logs: Type.Array(LogEvent),
  aggregated_status: TaskAggregatedStatus,
  description: Nullable(Type.String()),
});
