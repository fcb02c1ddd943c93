import type { ComponentChildren } from 'preact';
import { useRef, useState } from 'preact/hooks';
import { useList } from '../lib/use-api.ts';
import { ConfirmDelete } from './confirm-delete.tsx';
import { type Column, DataTable } from './data-table.tsx';

/** What a list's form is told: close it, or say it saved (the list reloads and the form closes). */
export interface FormDone {
  onClose: () => void;
  onSaved: () => void;
}

/** One "Create …" button: its label and the kind of object it creates (for lists of several kinds). */
export interface CreateAction {
  label: string;
  kind?: string;
}

/** What the form shows: a new object of `kind`, or `row` to edit. */
interface Editing<T> {
  row?: T;
  kind?: string;
}

/**
 * A list screen over one API list: search, sorting and pages (DataTable), "Create" buttons, and an Edit
 * button on each row; both open `form`, and a save reloads the list. Every list of the console is one.
 */
export function ListPage<T>(props: {
  path: string;
  noun: string;
  ordering: string;
  extra?: Record<string, string | boolean>;
  columns: Column<T>[];
  rowKey: (row: T) => string | number;
  /** The row's name, for its buttons' accessible names ("Edit hello-world"). */
  rowName: (row: T) => string;
  creates?: CreateAction[];
  /** The create/edit form; without it the list is read-only. */
  form?: (editing: Editing<T>, done: FormDone) => ComponentChildren;
  /** Whether a row can be edited here (default: every row, when there is a form). */
  editable?: (row: T) => boolean;
  /** More buttons for a row, beside Edit. */
  rowActions?: (row: T) => ComponentChildren;
  /** The API path that deletes a row (undefined: it cannot be deleted here, e.g. the core's own objects). */
  deletePath?: (row: T) => string | undefined;
}) {
  const list = useList<T>(props.path, props.ordering, props.extra);
  const [editing, setEditing] = useState<Editing<T>>();
  const [deleting, setDeleting] = useState<T>();
  // Each page the API answers (after a save too) mounts its rows again, so what a row loads itself (an
  // outpost's health, an integration's state) is loaded again with it; until it arrives the rows stay.
  const answers = useRef<{ page: unknown; count: number }>({ page: undefined, count: 0 });
  if (list.data !== answers.current.page)
    answers.current = { page: list.data, count: answers.current.count + 1 };
  const generation = answers.current.count;
  const { form, rowActions, deletePath } = props;
  const editable = (row: T) => Boolean(form) && (props.editable?.(row) ?? true);
  const actions: Column<T> = {
    label: 'Actions',
    render: (row) => (
      <div class="row-actions">
        {editable(row) && (
          <button
            type="button"
            class="secondary"
            onClick={() => setEditing({ row })}
            aria-label={`Edit ${props.rowName(row)}`}
          >
            Edit
          </button>
        )}
        {rowActions?.(row)}
        {deletePath?.(row) && (
          <button
            type="button"
            class="secondary danger"
            onClick={() => setDeleting(row)}
            aria-label={`Delete ${props.rowName(row)}`}
          >
            Delete
          </button>
        )}
      </div>
    ),
  };
  return (
    <>
      <DataTable
        noun={props.noun}
        rowKey={(row) => `${props.rowKey(row)}:${generation}`}
        page={list.data}
        error={list.error}
        loading={list.loading}
        state={list.state}
        setState={list.setState}
        actions={
          form &&
          (props.creates ?? [{ label: 'Create' }]).map((create) => (
            <button key={create.label} type="button" onClick={() => setEditing({ kind: create.kind })}>
              {create.label}
            </button>
          ))
        }
        columns={form || rowActions || deletePath ? [...props.columns, actions] : props.columns}
      />
      {form &&
        editing &&
        form(editing, {
          onClose: () => setEditing(undefined),
          onSaved: () => {
            setEditing(undefined);
            list.reload();
          },
        })}
      {deleting && (
        <ConfirmDelete
          name={props.rowName(deleting)}
          path={deletePath?.(deleting) ?? ''}
          onClose={() => setDeleting(undefined)}
          onDeleted={() => {
            setDeleting(undefined);
            list.reload();
          }}
        />
      )}
    </>
  );
}

/** "Yes" / "No" for a boolean column. */
export const yesNo = (value: boolean) => (value ? 'Yes' : 'No');

/** A timestamp in the reader's locale, or a dash. */
export const dateTime = (value: string | null | undefined) =>
  value ? new Date(value).toLocaleString() : '—';
