import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { parse } from 'yaml';

/**
 * Checks real responses against the REST contract (contracts/authentik-api-subset.yml at the repository's root): the status
 * must be one the operation lists, and a JSON body must validate against that status's schema.
 *
 * Two deliberate widenings, both where the reference's own responses differ from its generated schema:
 * - the contract leaves 404 out of most operations on `{id}` paths, yet an unknown id can only be answered
 *   with 404; those answers are checked against GenericError;
 * - `format: email` and `format: uri` accept the empty string, which the reference returns for a blank
 *   email or launch URL (blank Django EmailField / URLField) although its schema names the format.
 */

const CONTRACT_PATH = fileURLToPath(
  new URL('../../../../contracts/authentik-api-subset.yml', import.meta.url),
);

interface Operation {
  responses: Record<string, { content?: Record<string, { schema?: unknown }>; $ref?: string }>;
}
interface Contract {
  paths: Record<string, Record<string, Operation>>;
  components: {
    schemas: Record<string, unknown>;
    responses: Record<string, { content?: Record<string, { schema?: unknown }> }>;
  };
}

let loaded:
  { contract: Contract; ajv: Ajv.default; matchers: Array<{ template: string; re: RegExp }> } | undefined;

function load() {
  if (loaded) return loaded;
  const contract = parse(readFileSync(CONTRACT_PATH, 'utf8')) as Contract;
  const ajv = new Ajv.default({ strict: false, allErrors: true });
  addFormats.default(ajv);
  const email = /^[^\s@]+@[^\s@]+$/;
  ajv.addFormat('email', (value: string) => value === '' || email.test(value));
  ajv.addFormat('uri', (value: string) => value === '' || URL.canParse(value));
  for (const format of ['double', 'float', 'int32', 'int64', 'binary', 'byte', 'password'])
    ajv.addFormat(format, true);
  ajv.addSchema({ components: { schemas: nullableWithoutType(contract.components.schemas) } }, 'contract');
  // Literal segments before parameters, so /core/users/me/ is not taken for /core/users/{id}/.
  const matchers = Object.keys(contract.paths)
    .sort((a, b) => (a.match(/\{/g)?.length ?? 0) - (b.match(/\{/g)?.length ?? 0))
    .map((template) => ({
      template,
      re: new RegExp(
        `^/api/v3${template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\\?\{[^}]+\\?\}/g, '[^/]+')}$`,
      ),
    }));
  loaded = { contract, ajv, matchers };
  return loaded;
}

/** The contract's path template for a concrete URL (query string ignored), or undefined. */
export function contractPathFor(url: string): string | undefined {
  const path = url.split('?')[0] ?? url;
  return load().matchers.find((m) => m.re.test(path))?.template;
}

/** Asserts that a response (from `app.inject` or fetch) is one the contract allows for `method url`. */
export function assertContract(
  method: string,
  url: string,
  response: { statusCode: number; body: string; headers: Record<string, unknown> },
): void {
  const { contract, ajv } = load();
  const template = contractPathFor(url);
  assert.ok(template, `${url} is not in the contract`);
  const operation = contract.paths[template]?.[method.toLowerCase()];
  assert.ok(operation, `${method} ${template} is not in the contract`);
  const status = String(response.statusCode);
  let declared = operation.responses[status];
  if (!declared && status === '404' && template.includes('{')) {
    declared = { $ref: '#/components/responses/GenericErrorResponse' };
  }
  assert.ok(
    declared,
    `${method} ${template} answered ${status}, which the contract does not list (${Object.keys(operation.responses).join(', ')}): ${response.body.slice(0, 300)}`,
  );
  const resolved = declared.$ref
    ? contract.components.responses[declared.$ref.split('/').at(-1) ?? '']
    : declared;
  let schema = resolved?.content?.['application/json']?.schema;
  // Some error answers are declared without a body; ours still carries the usual error object, which any
  // client may ignore. Check it is one.
  if (!schema && response.statusCode >= 400) {
    schema = {
      $ref: `#/components/schemas/${response.statusCode === 400 ? 'ValidationError' : 'GenericError'}`,
    };
  }
  if (!schema) {
    assert.equal(response.body, '', `${method} ${template} ${status} has no body in the contract`);
    return;
  }
  assert.match(String(response.headers['content-type'] ?? ''), /^application\/json/);
  const body: unknown = JSON.parse(response.body);
  schema = discriminated(contract, schema, body);
  const rewritten = JSON.parse(JSON.stringify(schema).replaceAll('"#/components/', '"contract#/components/'));
  const validate = ajv.compile(rewritten);
  assert.ok(
    validate(body),
    `${method} ${template} ${status} body does not match the contract: ${ajv.errorsText(validate.errors)}\n${response.body.slice(0, 500)}`,
  );
}

/**
 * A `oneOf` with a discriminator (ChallengeTypes, told apart by `component`) is checked against the one
 * schema its mapping names for the body's value, as clients decode it: plain `oneOf` would fail, since
 * several challenges share the same required fields.
 */
function discriminated(contract: Contract, schema: unknown, body: unknown): unknown {
  const ref = (schema as { $ref?: string }).$ref;
  const target = ref ? contract.components.schemas[ref.split('/').at(-1) ?? ''] : schema;
  const discriminator = (
    target as { discriminator?: { propertyName: string; mapping?: Record<string, string> } }
  )?.discriminator;
  if (!discriminator?.mapping || !body || typeof body !== 'object') return schema;
  const value = String((body as Record<string, unknown>)[discriminator.propertyName]);
  const mapped = discriminator.mapping[value];
  assert.ok(mapped, `${discriminator.propertyName} ${value} is not one the contract maps`);
  return { $ref: mapped };
}

/**
 * OpenAPI 3.0 writes "this $ref, or null" as `{ allOf: [$ref], nullable: true }`, which Ajv's `nullable`
 * (meant to sit beside `type`) refuses; rewrite those as `anyOf: [schema, null]`.
 */
function nullableWithoutType(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(nullableWithoutType);
  if (!node || typeof node !== 'object') return node;
  const entries = Object.entries(node).map(([key, value]) => [key, nullableWithoutType(value)] as const);
  const copy = Object.fromEntries(entries) as Record<string, unknown>;
  if (copy.nullable === true && copy.type === undefined) {
    const { nullable: _nullable, ...rest } = copy;
    return { anyOf: [rest, { type: 'null' }] };
  }
  return copy;
}
