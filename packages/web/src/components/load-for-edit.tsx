import type { ComponentChildren } from 'preact';
import { useGet } from '../lib/use-api.ts';

/**
 * Loads the object an edit form changes (a list shows only its summary) and renders the form once it has
 * arrived; with no `path` (a create) the form renders at once, with nothing.
 */
export function LoadForEdit<T>(props: {
  path: string | null;
  noun: string;
  children: (existing: T | undefined) => ComponentChildren;
}) {
  const existing = useGet<T>(props.path);
  if (props.path && !existing.data) {
    return existing.error ? (
      <p class="form-error" role="alert">
        Could not load the {props.noun}: {existing.error.message}
      </p>
    ) : null;
  }
  return <>{props.children(existing.data)}</>;
}
