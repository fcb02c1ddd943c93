/**
 * Distinguished names (RFC 4514): parsing with escapes, a normalized form for comparison (lower-cased
 * types and values, values re-escaped one way), and escaping of values the directory puts into DNs.
 * Unlike the reference, names are escaped, so a group called `a,b` or a user `x+y` has a DN that parses.
 */

/** One attribute-type-and-value of an RDN, the value unescaped. */
export interface Ava {
  type: string;
  value: string;
}

/** An RDN: one or more AVAs joined by `+`. */
export type Rdn = Ava[];

const SPECIAL = new Set([',', '+', '"', '\\', '<', '>', ';', '=']);
const TYPE = /^(?:[A-Za-z][A-Za-z0-9-]*|\d+(?:\.\d+)*)$/;

/** Escapes a value for a DN (RFC 4514 §2.4). */
export function escapeDnValue(value: string): string {
  let out = '';
  for (let i = 0; i < value.length; i++) {
    const c = value[i] as string;
    const leading = i === 0 && (c === ' ' || c === '#');
    const trailing = i === value.length - 1 && c === ' ';
    if (c === '\0') out += '\\00';
    else if (SPECIAL.has(c) || leading || trailing) out += `\\${c}`;
    else out += c;
  }
  return out;
}

/** Parses a DN into RDNs (first is the leftmost); undefined when it is not a DN. The empty DN is []. */
export function parseDn(dn: string): Rdn[] | undefined {
  if (dn.trim() === '') return [];
  const rdns: Rdn[] = [];
  let rdn: Rdn = [];
  let i = 0;
  const length = dn.length;
  while (i <= length) {
    while (dn[i] === ' ') i++;
    const equals = dn.indexOf('=', i);
    if (equals < 0) return undefined;
    const type = dn.slice(i, equals).trim();
    if (!TYPE.test(type)) return undefined;
    i = equals + 1;
    while (dn[i] === ' ') i++;
    const bytes: number[] = [];
    let value = '';
    let trailingSpaces = 0;
    const flush = () => {
      if (bytes.length > 0) {
        value += Buffer.from(bytes).toString('utf8');
        bytes.length = 0;
      }
    };
    if (dn[i] === '#') {
      // A hex-encoded BER value (RFC 4514 §2.4): kept as written, it is never a name here.
      const match = /^#[0-9A-Fa-f]*/.exec(dn.slice(i)) as RegExpExecArray;
      value = match[0];
      i += value.length;
    } else {
      for (; i < length; i++) {
        const c = dn[i] as string;
        if (c === ',' || c === '+' || c === ';') break;
        if (c === '\\') {
          const hex = /^[0-9A-Fa-f]{2}/.exec(dn.slice(i + 1, i + 3));
          if (hex) {
            bytes.push(parseInt(hex[0], 16));
            i += 2;
          } else {
            const next = dn[i + 1];
            if (next === undefined) return undefined;
            flush();
            value += next;
            i += 1;
          }
          trailingSpaces = 0;
          continue;
        }
        if (c === '"' || c === '=' || c === '<' || c === '>' || c === '\0') return undefined;
        flush();
        value += c;
        trailingSpaces = c === ' ' ? trailingSpaces + 1 : 0;
      }
      flush();
      if (trailingSpaces > 0) value = value.slice(0, -trailingSpaces);
    }
    rdn.push({ type, value });
    const separator = dn[i];
    if (separator === undefined) {
      rdns.push(rdn);
      return rdns;
    }
    if (separator !== '+') {
      rdns.push(rdn);
      rdn = [];
    }
    i += 1;
  }
  return undefined;
}

/** Writes RDNs back as a DN string. */
export function formatDn(rdns: readonly Rdn[]): string {
  return rdns.map((rdn) => rdn.map((ava) => `${ava.type}=${escapeDnValue(ava.value)}`).join('+')).join(',');
}

/** The normalized form of a DN (lower case, one spelling), or undefined when `dn` does not parse. */
export function normalizeDn(dn: string): string | undefined {
  const rdns = parseDn(dn);
  if (!rdns) return undefined;
  return formatDn(
    rdns.map((rdn) =>
      rdn
        .map((ava) => ({ type: ava.type.toLowerCase(), value: ava.value.toLowerCase() }))
        .sort((a, b) => (a.type < b.type ? -1 : a.type > b.type ? 1 : 0)),
    ),
  );
}

/** DNs normalized before, by their text: search bases and filter values repeat from search to search. */
const normalizedDns = new Map<string, string | null>();
const MAX_NORMALIZED_DNS = 10_000;

/** normalizeDn, remembered for the DNs seen last (at most 10,000: the map starts over when full). */
export function normalizeDnCached(dn: string): string | undefined {
  let normal = normalizedDns.get(dn);
  if (normal === undefined) {
    normal = normalizeDn(dn) ?? null;
    if (normalizedDns.size >= MAX_NORMALIZED_DNS) normalizedDns.clear();
    normalizedDns.set(dn, normal);
  }
  return normal ?? undefined;
}

/** Whether normalized DN `dn` is `base` or lies under it. */
export function isUnder(dn: string, base: string): boolean {
  return base === '' || dn === base || dn.endsWith(`,${base}`);
}

/** The normalized parent of a normalized DN ('' for a one-RDN DN). */
export function parentOf(dn: string): string {
  const rdns = parseDn(dn) ?? [];
  return formatDn(rdns.slice(1));
}
