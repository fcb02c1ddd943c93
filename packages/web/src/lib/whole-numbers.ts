/** Reading whole numbers from a form's text inputs before sending them. */
import type { FieldErrors } from './field-errors.ts';

/**
 * The fields `keys` of a draft as numbers, or a message at each field whose text is not a whole number (an
 * empty field included: `Number('')` would quietly send 0). Ranges are the API's to check.
 */
export function wholeNumbers<K extends string>(
  draft: Record<K, string>,
  keys: readonly K[],
): { values: Record<K, number> } | { problems: FieldErrors } {
  const values = {} as Record<K, number>;
  const problems: FieldErrors = {};
  for (const key of keys) {
    const text = draft[key].trim();
    if (/^-?\d+$/.test(text)) values[key] = Number(text);
    else problems[key] = ['Enter a whole number.'];
  }
  return Object.keys(problems).length ? { problems } : { values };
}
