import { type TObject, type TOptional, type TProperties, type TSchema, Type } from '@sinclair/typebox';

type RequestProperties<P extends TProperties, R extends keyof P> = {
  [K in keyof P]: K extends R ? P[K] : TOptional<P[K]>;
};

/**
 * A contract `…Request` body from a kind's writable fields: the `required` ones must be present, the rest
 * may be left out, and no other field is accepted (so a misspelt setting is an error, not silently dropped).
 */
export function requestBody<P extends TProperties, R extends keyof P & string>(
  writable: P,
  required: readonly R[],
): TObject<RequestProperties<P, R>> {
  const properties = Object.fromEntries(
    Object.entries(writable).map(([key, schema]: [string, TSchema]) => [
      key,
      (required as readonly string[]).includes(key) ? schema : Type.Optional(schema),
    ]),
  ) as RequestProperties<P, R>;
  return Type.Object(properties, { additionalProperties: false });
}

/** A contract `Patched…Request` body: every writable field optional, no other field accepted. */
export function patchedBody<P extends TProperties>(writable: P) {
  return Type.Partial(Type.Object(writable), { additionalProperties: false });
}
