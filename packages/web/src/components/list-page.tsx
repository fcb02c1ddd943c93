import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { useList } from '../lib/use-api.ts';
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
}) {
  const list = useList<T>(props.path, props.ordering, props.extra);
  const [editing, setEditing] = useState<Editing<T>>();
  // Bumped by each save: the rows mount again, so what a row loads itself (an outpost's health, an
  // integration's state) is loaded again too, not only the list.
  const [saves, setSaves] = useState(0);
  const { form, rowActions } = props;
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
      </div>
    ),
  };
  return (
    <>
      <DataTable
        noun={props.noun}
        rowKey={(row) => `${props.rowKey(row)}:${saves}`}
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
        columns={form || rowActions ? [...props.columns, actions] : props.columns}
      />
      {form &&
        editing &&
        form(editing, {
          onClose: () => setEditing(undefined),
          onSaved: () => {
            setEditing(undefined);
            setSaves((n) => n + 1);
            list.reload();
          },
        })}
    </>
  );
}

/** "Yes" / "No" for a boolean column. */
export const yesNo = (value: boolean) => (value ? 'Yes' : 'No');

/** A timestamp in the reader's locale, or a dash. */
export const dateTime = (value: string | null | undefined) =>
  value ? new Date(value).toLocaleString() : '—';
