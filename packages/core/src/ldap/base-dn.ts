/**
 * Base DNs of LDAP providers (RFC 4514 string form): checked before they are stored, and stored in one
 * canonical spelling, so two providers of one outpost cannot claim the same subtree under two spellings.
 */

// An attribute type: a descriptor (letter, then letters, digits, hyphens) or a numeric OID (RFC 4512 §1.4).
const ATTRIBUTE_TYPE = /^(?:[A-Za-z][A-Za-z0-9-]*|\d+(?:\.\d+)+)$/;
// Characters that must be escaped in a value (RFC 4514 §2.4), NUL and other controls never allowed.
const NEEDS_ESCAPE = new Set(['"', '+', ',', ';', '<', '>', '\\', '=']);

/** Splits on a separator that is not escaped with a backslash. */
function splitUnescaped(text: string, separator: string): string[] {
  const parts: string[] = [];
  let current = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '\\') {
      current += c + (text[i + 1] ?? '');
      i++;
    } else if (c === separator) {
      parts.push(current);
      current = '';
    } else current += c;
  }
  parts.push(current);
  return parts;
}

/** Why `value` is not an RDN attribute value, or undefined. */
function valueProblem(value: string): string | undefined {
  if (value === '') return 'has an empty value';
  for (let i = 0; i < value.length; i++) {
    const c = value[i] ?? '';
    if (c.charCodeAt(0) < 0x20 || c === '\u007f') return 'contains a control character';
    if (c === '\\') {
      const next = value.slice(i + 1, i + 3);
      if (/^[0-9A-Fa-f]{2}$/.test(next)) i += 2;
      else if (next[0] !== undefined && (NEEDS_ESCAPE.has(next[0]) || '#  '.includes(next[0]))) i += 1;
      else return 'has a backslash that escapes nothing';
    } else if (NEEDS_ESCAPE.has(c)) return `has an unescaped "${c}"`;
  }
  return undefined;
}

/**
 * The canonical spelling of a base DN (spaces around separators dropped, attribute types as given), or a
 * problem a person can read. Multi-valued RDNs (`a=1+b=2`) are accepted.
 */
export function parseBaseDn(dn: string): { canonical: string } | { problem: string } {
  const rdns = splitUnescaped(dn.trim(), ',');
  const canonical: string[] = [];
  for (const rdn of rdns) {
    const parts: string[] = [];
    for (const ava of splitUnescaped(rdn, '+')) {
      const equals = ava.indexOf('=');
      if (equals < 0) return { problem: `"${ava.trim()}" is not an attribute=value pair.` };
      const type = ava.slice(0, equals).trim();
      // Trailing spaces are insignificant unless escaped ("\ ").
      const raw = ava.slice(equals + 1);
      const value = raw.replace(/^ +/, '').replace(/(?<!\\) +$/, '');
      if (!ATTRIBUTE_TYPE.test(type)) return { problem: `"${type}" is not an attribute type.` };
      const problem = valueProblem(value);
      if (problem) return { problem: `The value of ${type} ${problem}.` };
      parts.push(`${type}=${value}`);
    }
    canonical.push(parts.join('+'));
  }
  return { canonical: canonical.join(',') };
}
