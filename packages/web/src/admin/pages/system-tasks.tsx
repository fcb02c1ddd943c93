/** System → System Tasks: the last run of each task (controller runs, connection checks) and its log. */
import { dateTime, ListPage } from '../../components/list-page.tsx';
import type { Task, TaskLogLine } from '../../lib/types.ts';

const STATUS_CLASS: Record<Task['aggregated_status'], string> = {
  running: 'warn',
  done: 'good',
  info: 'good',
  warning: 'warn',
  error: 'bad',
};

/** A run's log lines, folded until opened (the summary says how many, and the worst is shown by status). */
function Logs(props: { task: Task }) {
  const lines: TaskLogLine[] = props.task.logs;
  if (lines.length === 0) return <span class="hint">No log lines</span>;
  return (
    <details class="task-logs">
      <summary>
        {lines.length} log line{lines.length === 1 ? '' : 's'}
      </summary>
      <ol>
        {lines.map((line, i) => (
          <li key={i} class={`log-${line.log_level}`}>
            <time dateTime={line.timestamp}>{new Date(line.timestamp).toLocaleTimeString()}</time>{' '}
            <strong>{line.log_level}</strong> {line.event}
          </li>
        ))}
      </ol>
    </details>
  );
}

/** Every task's last run: what it is, what it concerns, its status, when it ran, and its log. */
export function SystemTasksPage() {
  return (
    <ListPage<Task>
      path="/tasks/tasks/"
      noun="tasks"
      ordering="-mtime"
      rowKey={(t) => t.message_id}
      rowName={(t) => t.uid || t.actor_name}
      columns={[
        {
          label: 'Task',
          sort: 'actor_name',
          render: (t) => (
            <>
              <strong>{t.actor_name}</strong>
              {t.uid && <span class="hint"> {t.uid}</span>}
              {t.description && <p class="hint">{t.description}</p>}
            </>
          ),
        },
        {
          label: 'Status',
          sort: 'aggregated_status',
          render: (t) => (
            <span class={`status ${STATUS_CLASS[t.aggregated_status]}`}>{t.aggregated_status}</span>
          ),
        },
        { label: 'Last run', sort: 'mtime', render: (t) => dateTime(t.mtime) },
        { label: 'Log', render: (t) => <Logs task={t} /> },
      ]}
    />
  );
}
