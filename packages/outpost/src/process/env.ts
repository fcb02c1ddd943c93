import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';

/** A `host:port` to listen on, split. */
export interface ListenAddress {
  host: string;
  port: number;
}

/** The proxy outpost's settings, read from the environment (spec §1.1), validated and frozen. */
export interface OutpostEnv {
  /** AUTHENTIK_HOST, its path ending with `/` so `api/v3/` and `ws/outpost/` resolve under a prefix. */
  host: URL;
  /** AUTHENTIK_TOKEN: never logged, never printed. */
  token: string;
  /** AUTHENTIK_INSECURE: skip TLS verification towards the core (API and websocket). */
  insecure: boolean;
  /** AUTHENTIK_HOST_BROWSER: the core as browsers reach it, when it differs. */
  hostBrowser: URL | undefined;
  listen: { http: ListenAddress; https: ListenAddress; metrics: ListenAddress; radius: ListenAddress };
  /** AUTHENTIK_LISTEN__TRUSTED_PROXY_CIDRS, comma-separated. */
  trustedProxyCidrs: readonly string[];
}

/** Every problem of the environment at once, one a line; values of secrets are never in it. */
export class OutpostEnvError extends Error {
  override name = 'ConfigError';
  readonly problems: readonly string[];
  constructor(problems: string[]) {
    super(`invalid outpost environment:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.problems = problems;
  }
}

/** Defaults of the listen addresses (the ports the reference and every deployment guide use). */
export const DEFAULT_LISTEN = {
  http: '0.0.0.0:9000',
  https: '0.0.0.0:9443',
  metrics: '0.0.0.0:9300',
  // UDP, served by RADIUS outposts only (ldap-radius-rac.md §0.1 `listen_radius`).
  radius: '0.0.0.0:1812',
} as const;

/** Which variables hold secrets: their values never appear in a message. */
const SECRET_VARIABLES = new Set(['AUTHENTIK_TOKEN']);

/** How a file is read (injectable for tests). */
export type ReadFile = (path: string) => string;

const readUtf8: ReadFile = (path) => readFileSync(path, 'utf8');

/**
 * A variable's value after the `file://<path>` and `env://<NAME>` indirections of the reference's config
 * loader, without leading or trailing white space: a Kubernetes Secret written as a block (`token: |`, as
 * seed 003 does) ends its value with a newline, and a secret file usually ends with one. Only blank means
 * unset.
 */
function resolve(
  env: Readonly<Record<string, string | undefined>>,
  name: string,
  readFile: ReadFile,
  problems: string[],
): string | undefined {
  const raw = env[name]?.trim();
  if (raw === undefined || raw === '') return undefined;
  let value: string | undefined = raw;
  if (raw.startsWith('env://')) {
    const target = raw.slice('env://'.length);
    value = env[target];
    if (value === undefined) problems.push(`${name}: env://${target} names a variable that is not set`);
  } else if (raw.startsWith('file://')) {
    try {
      // As the reference: the rest is a path, so `file:///run/secrets/token` reads /run/secrets/token.
      value = readFile(raw.slice('file://'.length));
    } catch (error) {
      problems.push(`${name}: cannot read ${raw} (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
      return undefined;
    }
  }
  const trimmed = value?.trim();
  return trimmed === '' ? undefined : trimmed;
}

/** A value to quote in a message: secrets never, URLs without their user info. */
function shown(name: string, value: string): string {
  if (SECRET_VARIABLES.has(name)) return '';
  return ` (got ${JSON.stringify(value.replace(/\/\/[^/@]*@/, '//…@'))})`;
}

function parseUrl(name: string, value: string, problems: string[]): URL | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    problems.push(`${name} must be an absolute http(s) URL${shown(name, value)}`);
    return undefined;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    problems.push(`${name} must be an http:// or https:// URL${shown(name, value)}`);
    return undefined;
  }
  // A path prefix (`https://sso.example.com/authentik`) is kept; ending it with `/` makes the API and
  // websocket paths resolve under it.
  if (!url.pathname.endsWith('/')) url.pathname = `${url.pathname}/`;
  url.hash = '';
  return url;
}

// Go's strconv.ParseBool, which the reference's loader uses.
const TRUE = new Set(['1', 't', 'T', 'TRUE', 'true', 'True']);
const FALSE = new Set(['0', 'f', 'F', 'FALSE', 'false', 'False']);

function parseBool(name: string, value: string | undefined, problems: string[]): boolean {
  if (value === undefined) return false;
  if (TRUE.has(value)) return true;
  if (!FALSE.has(value)) problems.push(`${name} must be true or false${shown(name, value)}`);
  return false;
}

/** Splits `host:port`, `[v6]:port` or `:port` (all interfaces). */
export function parseListenAddress(value: string): ListenAddress | undefined {
  const match = /^(?:\[([0-9a-fA-F:.]+)\]|([^:[\]]*)):(\d{1,5})$/.exec(value);
  if (!match) return undefined;
  const port = Number(match[3]);
  if (port > 65535) return undefined;
  const host = match[1] ?? (match[2] || '0.0.0.0');
  if (match[1] !== undefined && isIP(host) !== 6) return undefined;
  return { host, port };
}

/** Answers whether `value` is an IP address or a CIDR block (`10.0.0.0/8`, `fd00::/8`). */
export function isCidr(value: string): boolean {
  const [address = '', prefix, extra] = value.split('/');
  const family = isIP(address);
  if (family === 0 || extra !== undefined) return false;
  if (prefix === undefined) return true;
  if (!/^\d{1,3}$/.test(prefix)) return false;
  return Number(prefix) <= (family === 4 ? 32 : 128);
}

/**
 * Reads the outpost's environment (spec §1.1). Every problem is collected and thrown at once as an
 * OutpostEnvError, so a broken deployment is fixed in one round; the token's value is never in a message.
 */
export function loadOutpostEnv(
  env: Readonly<Record<string, string | undefined>>,
  readFile: ReadFile = readUtf8,
): Readonly<OutpostEnv> {
  const problems: string[] = [];
  const value = (name: string) => resolve(env, name, readFile, problems);

  const hostValue = value('AUTHENTIK_HOST');
  if (hostValue === undefined) problems.push('AUTHENTIK_HOST is required (the URL of the core)');
  const host = hostValue === undefined ? undefined : parseUrl('AUTHENTIK_HOST', hostValue, problems);

  const token = value('AUTHENTIK_TOKEN');
  if (token === undefined) problems.push("AUTHENTIK_TOKEN is required (the outpost's token key)");
  else if (/\s/.test(token)) problems.push('AUTHENTIK_TOKEN must not contain white space');

  const insecure = parseBool('AUTHENTIK_INSECURE', value('AUTHENTIK_INSECURE'), problems);
  const browserValue = value('AUTHENTIK_HOST_BROWSER');
  const hostBrowser =
    browserValue === undefined ? undefined : parseUrl('AUTHENTIK_HOST_BROWSER', browserValue, problems);

  const listen = {} as OutpostEnv['listen'];
  for (const kind of ['http', 'https', 'metrics', 'radius'] as const) {
    const name = `AUTHENTIK_LISTEN__${kind.toUpperCase()}`;
    const raw = value(name) ?? DEFAULT_LISTEN[kind];
    const address = parseListenAddress(raw);
    if (!address) problems.push(`${name} must be host:port, [ipv6]:port or :port${shown(name, raw)}`);
    else listen[kind] = address;
  }

  const cidrs = (value('AUTHENTIK_LISTEN__TRUSTED_PROXY_CIDRS') ?? '')
    .split(',')
    .map((c) => c.trim())
    .filter((c) => c !== '');
  for (const cidr of cidrs.filter((c) => !isCidr(c))) {
    problems.push(`AUTHENTIK_LISTEN__TRUSTED_PROXY_CIDRS: "${cidr}" is not an IP address or CIDR block`);
  }

  if (problems.length > 0 || !host || token === undefined) throw new OutpostEnvError(problems);
  return Object.freeze({
    host,
    token,
    insecure,
    hostBrowser,
    listen: Object.freeze(listen),
    trustedProxyCidrs: Object.freeze(cidrs),
  });
}
