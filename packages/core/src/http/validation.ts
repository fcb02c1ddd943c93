import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import type { FastifyInstance } from 'fastify';

/**
 * Two validators: bodies are checked strictly (no type coercion, unknown fields rejected, nothing silently
 * removed), while query strings and path parameters, which arrive as text, are coerced to their types.
 */
export function installValidators(app: FastifyInstance): void {
  const strict = makeAjv({ coerceTypes: false });
  const coercing = makeAjv({ coerceTypes: 'array' });
  app.setValidatorCompiler(({ schema, httpPart }) => {
    const ajv = httpPart === 'body' ? strict : coercing;
    return ajv.compile(schema);
  });
}

function makeAjv(options: { coerceTypes: boolean | 'array' }) {
  const ajv = new Ajv.default({
    allErrors: true,
    removeAdditional: false,
    useDefaults: true,
    strict: false,
    coerceTypes: options.coerceTypes,
  });
  addFormats.default(ajv, ['date-time', 'uuid', 'email', 'uri']);
  return ajv;
}
