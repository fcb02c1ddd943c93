import type { Loaded } from '../lib/use-api.ts';

/**
 * What a detail screen shows until its object is there: the load's error, or "Loading…"; null once loaded
 * (the screen then renders the object).
 */
export function Unloaded<T>(props: { loaded: Loaded<T>; noun: string }) {
  if (props.loaded.error)
    return (
      <p class="form-error" role="alert">
        Could not load the {props.noun}: {props.loaded.error.message}
      </p>
    );
  if (props.loaded.data === undefined) return <p aria-busy="true">Loading…</p>;
  return null;
}
