import type { Queryable } from '../db/database.ts';
import { queryOne } from '../db/database.ts';
import { type ListOptions, type ListShape, queryPage } from '../db/list-query.ts';

/**
 * System tasks (controllers.md §6.2): each run of a controller or monitor, with its log lines, as the admin
 * sees it under `GET /api/v3/tasks/tasks/`. One row per (actor, uid) holds the last run and the log of the
 * run before. Claiming that row is also what keeps two core replicas from running the same task at once.
 */

/** One log line of a run (the contract's LogEvent). */
export interface TaskLogLine {
  timestamp: string;
  log_level: 'debug' | 'info' | 'warning' | 'error';
  logger: string;
  event: string;
  attributes: Record<string, unknown>;
}

/** The outcome of a run. */
export type TaskStatus = 'done' | 'warning' | 'error';

/** What a task says about itself. */
export interface TaskIdentity {
  actorName: string;
  uid: string;
  description: string;
  relObjModel?: string;
  relObjId?: string;
  /** Scheduled work: not claimed again until this long after the previous run ended. */
  notWithinMs?: number;
}

/** The log a running task writes to. */
export class TaskLog {
  readonly lines: TaskLogLine[] = [];
  readonly #logger: string;
  constructor(logger: string) {
    this.#logger = logger;
  }
  /** Adds one line. */
  add(level: TaskLogLine['log_level'], event: string, attributes: Record<string, unknown> = {}): void {
    this.lines.push({
      timestamp: new Date().toISOString(),
      log_level: level,
      logger: this.#logger,
      event,
      attributes,
    });
  }
  /** The run's status from its lines: error if any line is an error, warning if any is a warning. */
  status(): TaskStatus {
    if (this.lines.some((l) => l.log_level === 'error')) return 'error';
    return this.lines.some((l) => l.log_level === 'warning') ? 'warning' : 'done';
  }
}

// A run that has not finished in this time is taken to have died with its process; another may claim it.
const STALE_RUN = "interval '15 minutes'";

/**
 * Runs `work` as the task `task`, unless a run of it is already going on somewhere (then answers undefined
 * without running). Its lines and status are stored when it ends; a throw is an error line, never lost.
 */
export async function recordTask(
  db: Queryable,
  task: TaskIdentity,
  work: (log: TaskLog) => Promise<void>,
): Promise<{ status: TaskStatus; lines: TaskLogLine[] } | undefined> {
  const claimed = await queryOne<{ message_id: string }>(
    db,
    `INSERT INTO system_tasks (actor_name, uid, description, rel_obj_model, rel_obj_id, aggregated_status)
     VALUES ($1, $2, $3, $4, $5, 'running')
     ON CONFLICT (actor_name, uid) DO UPDATE SET message_id = gen_random_uuid(), aggregated_status = 'running',
       previous_logs = system_tasks.logs, logs = '[]'::jsonb, mtime = now(), description = EXCLUDED.description,
       rel_obj_id = EXCLUDED.rel_obj_id
     WHERE (system_tasks.aggregated_status <> 'running'
         AND system_tasks.mtime <= now() - $6::integer * interval '1 millisecond')
       OR system_tasks.mtime < now() - ${STALE_RUN}
     RETURNING message_id`,
    [
      task.actorName,
      task.uid,
      task.description,
      task.relObjModel ?? '',
      task.relObjId ?? null,
      task.notWithinMs ?? 0,
    ],
  );
  if (!claimed) return undefined;
  const log = new TaskLog(task.actorName);
  try {
    await work(log);
  } catch (error) {
    log.add('error', (error as Error).message || String(error));
  }
  const status = log.status();
  await db.query(
    'UPDATE system_tasks SET aggregated_status = $2, logs = $3, mtime = now() WHERE message_id = $1',
    [claimed.message_id, status, JSON.stringify(log.lines)],
  );
  return { status, lines: log.lines };
}

/** A stored task row. */
export interface TaskRow {
  message_id: string;
  actor_name: string;
  uid: string;
  description: string;
  rel_obj_model: string;
  rel_obj_id: string | null;
  aggregated_status: 'running' | TaskStatus;
  logs: TaskLogLine[];
  previous_logs: TaskLogLine[];
  mtime: Date;
}

const LIST_SHAPE: ListShape = {
  orderable: { actor_name: 'actor_name', mtime: 'mtime', aggregated_status: 'aggregated_status' },
  searchable: ['actor_name', 'uid', 'description'],
  defaultOrder: 'mtime DESC, message_id ASC',
};

/** Lists tasks (filters actor_name, aggregated_status, rel_obj_id). */
export async function listTasks(
  db: Queryable,
  options: ListOptions & { actorName?: string; statuses?: string[]; relObjId?: string },
): Promise<{ rows: TaskRow[]; count: number }> {
  return queryPage<TaskRow>(
    db,
    LIST_SHAPE,
    {
      ...options,
      filters: {
        actor_name: options.actorName,
        aggregated_status: options.statuses?.length ? options.statuses : undefined,
        rel_obj_id: options.relObjId,
      },
    },
    { columns: '*', from: 'FROM system_tasks' },
  );
}

/** Finds a task by its message id. */
export async function findTask(db: Queryable, messageId: string): Promise<TaskRow | undefined> {
  return queryOne<TaskRow>(db, 'SELECT * FROM system_tasks WHERE message_id = $1::uuid', [messageId]);
}
