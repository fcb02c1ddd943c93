import type { FastifyBaseLogger } from 'fastify';

/** How a task ended, as system tasks show it (controllers.md §6.2). */
export type TaskStatus = 'successful' | 'warning' | 'error';

/**
 * Where a Docker task (controller run, state monitor, discovery) writes what it did, for the admin to read.
 * Wired to the system-task records (`recordTask`) at merge; until then openLoggingTaskLog writes to the log.
 */
export interface TaskLog {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
  /** Ends the task; the log is stored with this status. */
  finish(status: TaskStatus): void;
}

/** Opens the log of one run of task `name` for object `uid` (an outpost's slug, a connection's name). */
export type OpenTaskLog = (name: string, uid: string) => TaskLog;

/** A task log's messages, as a test or a caller reads them back. */
export interface TaskLogRecord {
  name: string;
  uid: string;
  messages: { level: 'info' | 'warn' | 'error'; message: string }[];
  status?: TaskStatus;
}

/** Task logs that go to the structured log, one line per message, and are also kept in `records`. */
export function openLoggingTaskLog(log: FastifyBaseLogger, records?: TaskLogRecord[]): OpenTaskLog {
  return (name, uid) => {
    const record: TaskLogRecord = { name, uid, messages: [] };
    records?.push(record);
    const child = log.child({ task: name, uid });
    const write = (level: 'info' | 'warn' | 'error') => (message: string) => {
      record.messages.push({ level, message });
      child[level](message);
    };
    return {
      info: write('info'),
      warn: write('warn'),
      error: write('error'),
      finish(status) {
        record.status = status;
        child.info({ status }, 'task finished');
      },
    };
  };
}
