import type { ComponentChildren } from 'preact';
import type { ListState } from '../lib/use-api.ts';
import type { Page } from '../lib/api.ts';

/** One column: its heading, how a row shows in it, and the API `ordering` field that sorts by it. */
export interface Column<T> {
  label: string;
  render: (row: T) => ComponentChildren;
  sort?: string;
}

interface Props<T> {
  /** What the rows are, for the search box's label and the empty state ("No applications yet."). */
  noun: string;
  columns: Column<T>[];
  rowKey: (row: T) => string | number;
  page: Page<T> | undefined;
  error: Error | undefined;
  loading: boolean;
  state: ListState;
  setState: (update: (s: ListState) => ListState) => void;
  /** Buttons beside the search box (Create …). */
  actions?: ComponentChildren;
}

/** A list screen's table: a search box, sortable column headings, and pagination, all driven by the API. */
export function DataTable<T>(props: Props<T>) {
  const { state, setState, page } = props;
  const sortBy = (field: string) =>
    setState((s) => ({ ...s, page: 1, ordering: s.ordering === field ? `-${field}` : field }));
  return (
    <section class="card">
      <div class="toolbar">
        <form
          role="search"
          onSubmit={(e) => {
            e.preventDefault();
            const input = (e.currentTarget as HTMLFormElement).elements.namedItem(
              'search',
            ) as HTMLInputElement;
            setState((s) => ({ ...s, page: 1, search: input.value }));
          }}
        >
          <label for="list-search" class="visually-hidden">
            Search {props.noun}
          </label>
          <input
            id="list-search"
            name="search"
            type="search"
            placeholder={`Search ${props.noun}…`}
            defaultValue={state.search}
          />
          <button type="submit" class="secondary">
            Search
          </button>
        </form>
        <div class="actions">{props.actions}</div>
      </div>
      {props.error ? (
        <p class="form-error" role="alert">
          Could not load the {props.noun}: {props.error.message}
        </p>
      ) : (
        <div class="table-wrap">
          <table aria-busy={props.loading}>
            <thead>
              <tr>
                {props.columns.map((column) => {
                  const active = column.sort && state.ordering.replace(/^-/, '') === column.sort;
                  const direction = active
                    ? state.ordering.startsWith('-')
                      ? 'descending'
                      : 'ascending'
                    : undefined;
                  return (
                    <th
                      key={column.label}
                      scope="col"
                      aria-sort={column.sort ? (direction ?? 'none') : undefined}
                    >
                      {column.sort ? (
                        <button type="button" class="sort" onClick={() => column.sort && sortBy(column.sort)}>
                          {column.label}
                          <span aria-hidden="true">
                            {direction === 'ascending' ? ' ▲' : direction === 'descending' ? ' ▼' : ''}
                          </span>
                        </button>
                      ) : (
                        column.label
                      )}
                    </th>
                  );
                })}
              </tr>
            </thead>
            <tbody>
              {page?.results.map((row) => (
                <tr key={props.rowKey(row)}>
                  {props.columns.map((column) => (
                    <td key={column.label} data-label={column.label}>
                      {column.render(row)}
                    </td>
                  ))}
                </tr>
              ))}
              {page && page.results.length === 0 && (
                <tr>
                  <td colSpan={props.columns.length} class="empty">
                    {state.search ? `No ${props.noun} match “${state.search}”.` : `No ${props.noun} yet.`}
                  </td>
                </tr>
              )}
            </tbody>
          </table>
        </div>
      )}
      {page && page.pagination.total_pages > 1 && (
        <nav class="pagination" aria-label={`${props.noun} pages`}>
          <button
            type="button"
            class="secondary"
            disabled={page.pagination.current <= 1}
            onClick={() => setState((s) => ({ ...s, page: s.page - 1 }))}
          >
            Previous
          </button>
          <span>
            {page.pagination.start_index}–{page.pagination.end_index} of {page.pagination.count}
          </span>
          <button
            type="button"
            class="secondary"
            disabled={page.pagination.current >= page.pagination.total_pages}
            onClick={() => setState((s) => ({ ...s, page: s.page + 1 }))}
          >
            Next
          </button>
        </nav>
      )}
    </section>
  );
}
