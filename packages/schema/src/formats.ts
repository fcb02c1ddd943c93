import { FormatRegistry } from '@sinclair/typebox';

/**
 * The string formats the wire shapes use (`uuid`, `uri`, `date-time`), for TypeBox's own checkers
 * (TypeCompiler, Value.Check), which refuse a format they have no check for. The core's HTTP layer checks
 * the same formats with ajv-formats; these are the outpost's, so it loads no validator of its own.
 */
const FORMATS: Record<string, (value: string) => boolean> = {
  uuid: (value) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value),
  uri: (value) => /^[a-z][a-z0-9+.-]*:/i.test(value) && URL.canParse(value),
  // RFC 3339 §5.6 date-time, as JSON Schema's format defines it.
  'date-time': (value) =>
    /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:[Zz]|[+-]\d{2}:\d{2})$/.test(value) &&
    !Number.isNaN(Date.parse(value)),
};

/** Registers the formats above with TypeBox (idempotent: a format registered already is left as it is). */
export function registerWireFormats(): void {
  for (const [name, check] of Object.entries(FORMATS)) {
    if (!FormatRegistry.Has(name)) FormatRegistry.Set(name, check);
  }
}
