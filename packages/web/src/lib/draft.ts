/** Helpers for a form's draft: the writable fields of an API object, as the form edits them. */
import type { FieldErrors } from './field-errors.ts';

/**
 * The draft of an existing object: each key of `empty` taken from `existing`, where it has a value (null
 * becomes the empty draft's value, e.g. '' for a select's "None").
 */
export function draftOf<D extends object>(empty: D, existing: object | undefined): D {
  const draft = { ...empty };
  if (!existing) return draft;
  const from = existing as Record<string, unknown>;
  for (const key of Object.keys(empty) as Array<keyof D & string>) {
    const value = from[key];
    if (value !== undefined && value !== null) draft[key] = value as D[typeof key];
  }
  return draft;
}

/** '' as null: what a select's "None" means to the API. */
export const orNull = (value: string): string | null => value || null;

/** Prefixes the keys of a 400's field errors, to show them at prefixed fields. */
export function prefixed(errors: FieldErrors, prefix: string): FieldErrors {
  if (!prefix) return errors;
  return Object.fromEntries(Object.entries(errors).map(([k, v]) => [`${prefix}${k}`, v]));
}
