/**
 * Secrets taken out of a URL before it is logged or put in an event (issue 13, finding 4): the values of
 * credential-carrying query (and fragment) parameters, and a password in the userinfo. Pure string work on
 * any input, absolute URL or request target (`/cb?code=…`); it never throws and never parses with the WHATWG
 * parser, so what is not a secret stays spelled as it came.
 */

/** What a redacted value is replaced with (the core's pino `censor` is the same). */
export const REDACTED = '[redacted]';

/** Parameter names whose value is a credential (compared case-insensitively, after percent-decoding). */
export const SECRET_URL_PARAMETERS: ReadonlySet<string> = new Set([
  'code',
  'state',
  'id_token_hint',
  'id_token',
  'token',
  'access_token',
  'refresh_token',
  'logout_token',
  'client_secret',
  'password',
]);

/** How deep a parameter value holding a URL (`rd=https://…?code=…`) is looked into. */
const MAX_DEPTH = 3;

function decode(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return text;
  }
}

/** `a=1&code=x&rd=…` with secret values replaced; other parameters are kept verbatim unless they hold one. */
function redactParameters(list: string, depth: number): string {
  return list
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=');
      if (eq === -1) return pair;
      const name = pair.slice(0, eq);
      const value = pair.slice(eq + 1);
      if (SECRET_URL_PARAMETERS.has(decode(name).trim().toLowerCase())) return `${name}=${REDACTED}`;
      if (depth >= MAX_DEPTH || value === '') return pair;
      const inner = decode(value);
      const redacted = redactUrlAt(inner, depth + 1);
      return redacted === inner ? pair : `${name}=${encodeURIComponent(redacted)}`;
    })
    .join('&');
}

/** A `scheme://user:password@` prefix with the password replaced. */
function redactUserinfo(head: string): string {
  return head.replace(/^([a-z][a-z0-9+.-]*:\/\/[^/?#@]*?:)[^/?#@]*@/i, `$1${REDACTED}@`);
}

function redactUrlAt(url: string, depth: number): string {
  const hashAt = url.indexOf('#');
  const beforeHash = hashAt === -1 ? url : url.slice(0, hashAt);
  const fragment = hashAt === -1 ? undefined : url.slice(hashAt + 1);
  const queryAt = beforeHash.indexOf('?');
  const head = redactUserinfo(queryAt === -1 ? beforeHash : beforeHash.slice(0, queryAt));
  const query = queryAt === -1 ? undefined : redactParameters(beforeHash.slice(queryAt + 1), depth);
  // A fragment in the form of a query carries tokens in the implicit flow (`#access_token=…`).
  const hash = fragment === undefined ? undefined : redactParameters(fragment, depth);
  return `${head}${query === undefined ? '' : `?${query}`}${hash === undefined ? '' : `#${hash}`}`;
}

/** `url` with every credential replaced by `[redacted]`; anything else unchanged. */
export function redactUrl(url: string): string {
  return redactUrlAt(url, 0);
}
