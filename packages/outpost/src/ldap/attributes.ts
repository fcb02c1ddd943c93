/**
 * Attribute selection (RFC 4511 §4.5.1.8): none asked or `*` means every user attribute, `1.1` none, `+`
 * the operational ones (this directory keeps none apart). Comma-joined lists (`cn,mail`), which some
 * clients send, are split as the reference does.
 */
import type { Attribute, Entry } from './entry.ts';

/** The attribute names a request asks for, lower-cased; `all` when every one is wanted. */
export function requestedAttributes(asked: readonly string[]): { all: boolean; names: Set<string> } {
  const names = new Set(
    asked
      .flatMap((a) => a.split(','))
      .map((a) => (a.trim().split(';')[0] ?? '').toLowerCase())
      .filter((a) => a !== ''),
  );
  const all = names.size === 0 || names.has('*');
  names.delete('1.1');
  names.delete('+');
  // `1.1` alone means no attributes; with others it is ignored (RFC 4511 §4.5.1.8).
  return { all: all && !(asked.length === 1 && asked[0] === '1.1'), names };
}

/** The attributes of `entry` a request returns. */
export function selectAttributes(entry: Entry, wanted: ReturnType<typeof requestedAttributes>): Attribute[] {
  if (wanted.all) return [...entry.attributes.values()];
  const selected: Attribute[] = [];
  for (const name of wanted.names) {
    const attribute = entry.attributes.get(name);
    if (attribute) selected.push(attribute);
  }
  return selected;
}
