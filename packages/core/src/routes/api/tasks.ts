import { Type } from '@sinclair/typebox';
import type { Static } from '@sinclair/typebox';
import { GenericError, ListQuery, Paginated, ValidationError } from '@palisade/schema';
import { Task } from '@palisade/schema/api/tasks';
import type { FastifyPluginAsync } from 'fastify';
import type { AppContext } from '../../context.ts';
import { assertThat, notFound } from '../../http/api-error.ts';
import { paginated, pageWindow } from '../../http/pagination.ts';
import { findTask, listTasks, type TaskRow } from '../../integrations/tasks.ts';

const errors = { 400: ValidationError, 403: GenericError, 404: GenericError };
const TaskListQuery = Type.Object({
  ...ListQuery,
  actor_name: Type.Optional(Type.String()),
  aggregated_status: Type.Optional(Type.Array(Type.String(), { maxItems: 10 })),
  rel_obj_id: Type.Optional(Type.String()),
});

/** A stored run in the contract's Task shape. */
function present(row: TaskRow): Static<typeof Task> {
  return {
    message_id: row.message_id,
    queue_name: 'default',
    actor_name: row.actor_name,
    state: row.aggregated_status === 'running' ? 'running' : 'done',
    mtime: new Date(row.mtime).toISOString(),
    retries: 0,
    eta: null,
    rel_obj_app_label: row.rel_obj_model ? 'authentik_outposts' : '',
    rel_obj_model: row.rel_obj_model,
    rel_obj_id: row.rel_obj_id,
    uid: row.uid,
    logs: row.logs,
    previous_logs: row.previous_logs,
    aggregated_status: row.aggregated_status,
    description: row.description,
  };
}

/** /tasks/tasks/: the system tasks (controller runs, connection checks) and their logs. */
export function taskRoutes(ctx: AppContext): FastifyPluginAsync {
  return async (app) => {
    app.get<{ Querystring: Static<typeof TaskListQuery> }>(
      '/tasks/tasks/',
      {
        schema: { querystring: TaskListQuery, response: { 200: Paginated(Task), ...errors } },
        config: { operationId: 'tasks_tasks_list' },
      },
      async (request) => {
        const q = request.query;
        const { rows, count } = await listTasks(ctx.db, {
          ...pageWindow(q),
          actorName: q.actor_name,
          statuses: q.aggregated_status,
          relObjId: q.rel_obj_id,
        });
        return paginated(q, rows.map(present), count);
      },
    );

    app.get<{ Params: { message_id: string } }>(
      '/tasks/tasks/:message_id/',
      {
        schema: {
          params: Type.Object({ message_id: Type.String({ format: 'uuid' }) }),
          response: { 200: Task, ...errors },
        },
        config: { operationId: 'tasks_tasks_retrieve' },
      },
      async (request) => {
        const row = await findTask(ctx.db, request.params.message_id);
        assertThat(row, notFound);
        return present(row);
      },
    );
  };
}
