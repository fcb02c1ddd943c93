import { readFileSync } from 'node:fs';
import type { TObject, TSchema } from '@sinclair/typebox';
import Ajv, { type ErrorObject } from 'ajv';
import addFormats from 'ajv-formats';
import { parse as parseYaml } from 'yaml';
import { ConfigSchema, type PalisadeConfig } from './schema.ts';

/**
 * Loads the settings: an optional YAML file (PALISADE_CONFIG_FILE or `file`), then `PALISADE_*`
 * environment variables over it (`__` nests: PALISADE_POSTGRESQL__HOST → postgresql.host), then the secret
 * `*_FILE` variants. Everything is checked against the one schema and every problem is reported at once;
 * the result is deeply frozen.
 */

/** Settings are wrong; `problems` lists each one, naming where it came from. */
export class ConfigError extends Error {
  readonly problems: readonly string[];
  constructor(problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

const ENV_PREFIX = 'PALISADE_';
/** Environment names with the prefix that are not settings: the CLI's and the test suites' own. */
const NOT_SETTINGS = [/^PALISADE_URL$/, /^PALISADE_TOKEN$/, /^PALISADE_CONFIG_FILE$/, /^PALISADE_TEST_/];
/** Names other tools and guides use for the same settings. */
const ALIASES: Record<string, string> = {
  DATABASE_URL: 'database_url',
  AUTHENTIK_BOOTSTRAP_PASSWORD: 'bootstrap_password',
  AUTHENTIK_BOOTSTRAP_TOKEN: 'bootstrap_token',
  AUTHENTIK_BOOTSTRAP_EMAIL: 'bootstrap_email',
  AUTHENTIK_OUTPOSTS__CONTAINER_IMAGE_BASE: 'outposts.container_image_base',
  AUTHENTIK_OUTPOSTS__DISABLE_EMBEDDED_OUTPOST: 'outposts.disable_embedded_outpost',
  AUTHENTIK_OUTPOSTS__DISCOVER: 'outposts.discover',
  AUTHENTIK_OUTPOSTS__TOKEN_ROTATION_DAYS: 'outposts.token_rotation_days',
  AUTHENTIK_OUTPOSTS__DOCKER_ROLLOVER_PORT_OFFSET: 'outposts.docker_rollover_port_offset',
};

type Json = Record<string, unknown>;

interface Origin {
  /** Dotted key → where its value came from (an environment name or the file). */
  [path: string]: string;
}

export function loadConfig(input: { env?: NodeJS.ProcessEnv; file?: string } = {}): Readonly<PalisadeConfig> {
  const env = input.env ?? process.env;
  const problems: string[] = [];
  const origin: Origin = {};
  const file = input.file ?? env.PALISADE_CONFIG_FILE;
  const merged: Json = file ? readConfigFile(file, problems, origin) : {};

  const fromEnv: Array<[string, string, string]> = [];
  for (const [alias, key] of Object.entries(ALIASES)) {
    const direct = env[alias];
    const viaFile = env[`${alias}_FILE`];
    if (direct !== undefined) fromEnv.push([alias, key, direct]);
    if (viaFile !== undefined) fromEnv.push([`${alias}_FILE`, `${key}_file`, viaFile]);
  }
  // PALISADE_* names are applied after the aliases so they win when both are set.
  for (const [name, value] of Object.entries(env)) {
    if (!name.startsWith(ENV_PREFIX) || value === undefined) continue;
    if (NOT_SETTINGS.some((re) => re.test(name))) continue;
    const key = name.slice(ENV_PREFIX.length).toLowerCase().split('__').join('.');
    fromEnv.push([name, key, value]);
  }
  for (const [name, key, raw] of fromEnv) {
    let path = key;
    let value: string | undefined = raw;
    if (key.endsWith('_file')) {
      path = key.slice(0, -'_file'.length);
      const schema = schemaAt(path);
      if (!schema?.secret) {
        if (!schema) continue; // reported below as an unknown key under its own name
        problems.push(`${name}: ${path} is not a secret setting, so it has no _FILE variant`);
        continue;
      }
      value = readSecretFile(name, raw, problems);
      if (value === undefined) continue;
    }
    const schema = schemaAt(path);
    if (!schema) {
      problems.push(`${name}: unknown setting${suggest(path, 'env')}`);
      continue;
    }
    const converted = fromEnvString(schema, value);
    setAt(merged, path, converted);
    origin[path] = name;
  }

  const config = structuredClone(merged);
  if (!validate(config)) {
    const errors = validate.errors ?? [];
    // A value outside an enumeration fails each literal (`const`) and then the union (`anyOf`):
    // report the union once.
    const unions = new Set(errors.filter((e) => e.keyword === 'anyOf').map((e) => e.instancePath));
    for (const error of errors) {
      if (error.keyword === 'const' && unions.has(error.instancePath)) continue;
      problems.push(describe(error, origin));
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return deepFreeze(config as PalisadeConfig);
}

// verbose: errors carry the offending value, shown in messages for settings that are not secret.
const ajv = new Ajv.default({ allErrors: true, useDefaults: true, strict: false, verbose: true });
addFormats.default(ajv, ['email']);
const validate = ajv.compile<PalisadeConfig>(ConfigSchema);

function readConfigFile(file: string, problems: string[], origin: Origin): Json {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    problems.push(`configuration file ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
    return {};
  }
  let parsed: unknown;
  try {
    parsed = parseYaml(text);
  } catch (error) {
    problems.push(`configuration file ${file}: not valid YAML: ${(error as Error).message.split('\n')[0]}`);
    return {};
  }
  if (parsed === null || parsed === undefined) return {};
  if (typeof parsed !== 'object' || Array.isArray(parsed)) {
    problems.push(`configuration file ${file}: must be a mapping of settings`);
    return {};
  }
  const markOrigins = (value: unknown, prefix: string) => {
    if (value && typeof value === 'object' && !Array.isArray(value)) {
      for (const [k, v] of Object.entries(value)) markOrigins(v, prefix ? `${prefix}.${k}` : k);
    } else origin[prefix] = file;
  };
  markOrigins(parsed, '');
  return parsed as Json;
}

function readSecretFile(name: string, path: string, problems: string[]): string | undefined {
  try {
    // One trailing newline is what editors and `echo` leave; the secret itself never ends with one.
    return readFileSync(path, 'utf8').replace(/\r?\n$/, '');
  } catch (error) {
    problems.push(`${name}: cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
    return undefined;
  }
}

type SchemaNode = TSchema & { secret?: boolean; properties?: Record<string, TSchema> };

/** The schema of a dotted key, or undefined when there is no such setting. */
export function schemaAt(path: string): SchemaNode | undefined {
  let node: SchemaNode | undefined = ConfigSchema as SchemaNode;
  for (const part of path.split('.')) {
    node = node?.properties?.[part] as SchemaNode | undefined;
    if (!node) return undefined;
  }
  return node;
}

/** Environment values are strings; turn them into the type the schema wants (validation follows). */
function fromEnvString(schema: SchemaNode, value: string): unknown {
  switch (schema.type) {
    case 'integer':
    case 'number':
      return value.trim() !== '' && Number.isFinite(Number(value)) ? Number(value) : value;
    case 'boolean':
      return value === 'true' ? true : value === 'false' ? false : value;
    case 'array':
      return value
        .split(',')
        .map((item) => item.trim())
        .filter((item) => item !== '');
    default:
      return value;
  }
}

function setAt(target: Json, path: string, value: unknown): void {
  const parts = path.split('.');
  let node = target;
  for (const part of parts.slice(0, -1)) {
    const next = node[part];
    if (!next || typeof next !== 'object' || Array.isArray(next)) node[part] = {};
    node = node[part] as Json;
  }
  node[parts.at(-1) as string] = value;
}

function describe(error: ErrorObject, origin: Origin): string {
  const path = error.instancePath.slice(1).split('/').filter(Boolean).join('.');
  if (error.keyword === 'additionalProperties') {
    const extra = String((error.params as { additionalProperty: string }).additionalProperty);
    const full = path ? `${path}.${extra}` : extra;
    return `${where(full, origin)}: unknown setting${suggest(full, origin[full]?.startsWith(ENV_PREFIX) ? 'env' : 'file')}`;
  }
  const schema = schemaAt(path);
  const shown = schema?.secret ? '' : ` (got ${JSON.stringify(valueAt(error))})`;
  let message = error.message ?? 'is invalid';
  if (error.keyword === 'pattern' && schema?.examples) {
    message = `must look like ${(schema.examples as string[]).join(' or ')}`;
  }
  if (error.keyword === 'anyOf' && schema?.anyOf) {
    message = `must be one of ${(schema.anyOf as Array<{ const: string }>).map((s) => s.const).join(', ')}`;
  }
  return `${where(path, origin)}: ${message}${shown}`;
}

function valueAt(error: ErrorObject): unknown {
  return (error as ErrorObject & { data?: unknown }).data;
}

function where(path: string, origin: Origin): string {
  const from = origin[path];
  if (!from) return path;
  const fromEnv = from.startsWith(ENV_PREFIX) || from in ALIASES || from.endsWith('_FILE');
  return fromEnv ? from : `${path} (in ${from})`;
}

/** "did you mean" for a misspelt key: the closest known key within a small edit distance. */
function suggest(path: string, style: 'env' | 'file'): string {
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const known of allKeys(ConfigSchema as unknown as TObject, '')) {
    const d = distance(path, known);
    if (d < bestDistance) {
      best = known;
      bestDistance = d;
    }
  }
  if (!best || bestDistance > Math.max(2, Math.floor(path.length / 3))) return '';
  const name = style === 'env' ? `${ENV_PREFIX}${best.toUpperCase().split('.').join('__')}` : best;
  return `; did you mean ${name}?`;
}

/** Every settable dotted key of the schema. */
export function allKeys(schema: TObject, prefix: string): string[] {
  const keys: string[] = [];
  for (const [name, child] of Object.entries(schema.properties)) {
    const path = prefix ? `${prefix}.${name}` : name;
    if ((child as SchemaNode).type === 'object') keys.push(...allKeys(child as TObject, path));
    else keys.push(path);
  }
  return keys;
}

function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0] as number;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const current = row[j] as number;
      row[j] = Math.min(current + 1, (row[j - 1] as number) + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
      previous = current;
    }
  }
  return row[b.length] as number;
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}
