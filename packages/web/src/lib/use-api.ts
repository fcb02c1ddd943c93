import { useCallback, useEffect, useState } from 'preact/hooks';
import type { ApiError } from './api.ts';
import { api, type Page, query } from './api.ts';

/** A GET's state: its data once loaded, or its error; `reload` fetches it again. */
export interface Loaded<T> {
  data: T | undefined;
  error: ApiError | Error | undefined;
  loading: boolean;
  reload: () => void;
}

/** Fetches `path` (when it is not null) and again whenever it changes. */
export function useGet<T>(path: string | null): Loaded<T> {
  const [state, setState] = useState<{ data?: T; error?: Error; loading: boolean }>({
    loading: path !== null,
  });
  const [round, setRound] = useState(0);
  useEffect(() => {
    if (path === null) return;
    let live = true;
    setState((s) => ({ ...s, loading: true }));
    api<T>('GET', path).then(
      (data) => live && setState({ data, loading: false }),
      (error: Error) => live && setState({ error, loading: false }),
    );
    return () => {
      live = false;
    };
  }, [path, round]);
  const reload = useCallback(() => setRound((r) => r + 1), []);
  return { data: state.data, error: state.error, loading: state.loading, reload };
}

/** What a list screen lets the user change: the search text, the ordering field (`-` first: descending), the page. */
export interface ListState {
  search: string;
  ordering: string;
  page: number;
}

/** A paginated list at `path` with its search, ordering and page, re-fetched when any of them changes. */
export function useList<T>(
  path: string,
  initialOrdering: string,
  extra: Record<string, string | boolean> = {},
) {
  const [state, setState] = useState<ListState>({ search: '', ordering: initialOrdering, page: 1 });
  const url = `${path}${query({ ...extra, search: state.search, ordering: state.ordering, page: state.page, page_size: 20 })}`;
  const loaded = useGet<Page<T>>(url);
  return { ...loaded, state, setState };
}

/** Loads every item of a (small) list, for a select or a checkbox list in a form. */
export function useAll<T>(path: string): T[] {
  const separator = path.includes('?') ? '&' : '?';
  return useGet<Page<T>>(`${path}${separator}page_size=1000`).data?.results ?? [];
}
