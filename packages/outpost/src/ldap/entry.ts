/** A directory entry as the server holds it: a DN and attributes whose names match case-insensitively. */

/** One attribute: the name as it is shown, and its values. */
export interface Attribute {
  name: string;
  values: string[];
  /** The values as filters compare them, made on first use (entries do not change once built). */
  compared?: string[];
  /** The attribute with its values as a search answers it (responses.ts), made on first use. */
  encoded?: Buffer;
}

/** An entry; `attributes` is keyed by the lower-cased name. */
export interface Entry {
  dn: string;
  /** The DN's normalized form (dn.ts), the key of lookups and comparisons. */
  key: string;
  attributes: Map<string, Attribute>;
  /** The SearchResultEntry operation with every attribute (responses.ts), made on first use. */
  encoded?: Buffer;
}

/** Builds an entry's attribute map from pairs; the first spelling of a name wins, later values append. */
export function attributeMap(pairs: Iterable<[string, readonly string[]]>): Map<string, Attribute> {
  const map = new Map<string, Attribute>();
  for (const [name, values] of pairs) {
    // An attribute has at least one value (RFC 4512 §2.5): an empty list is no attribute.
    if (values.length === 0) continue;
    const lower = name.toLowerCase();
    const existing = map.get(lower);
    if (existing) existing.values.push(...values);
    else map.set(lower, { name, values: [...values] });
  }
  return map;
}

/** The values of `name` on `entry` (none when absent). */
export function valuesOf(entry: Entry, name: string): readonly string[] {
  return entry.attributes.get(name.toLowerCase())?.values ?? [];
}
