import type { AuthenticationResponseJSON, RegistrationResponseJSON } from '@simplewebauthn/server';
import { type TSchema, Type } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';

/**
 * The shapes a browser's WebAuthn answers must have before the library looks at them, with bounds on every
 * field: a malformed or oversized answer is refused here as bad input, never reaches a parser, never a 500.
 */

const B64 = (maxLength: number) =>
  Type.String({ minLength: 1, maxLength, pattern: '^[A-Za-z0-9_-]+={0,2}$' });
const Transports = Type.Optional(Type.Array(Type.String({ maxLength: 32 }), { maxItems: 8 }));
const Extensions = Type.Record(Type.String({ maxLength: 64 }), Type.Unknown(), { maxProperties: 16 });

// What both kinds of answer carry around their `response`.
const credential = {
  id: B64(1400),
  rawId: B64(1400),
  type: Type.Literal('public-key'),
  authenticatorAttachment: Type.Optional(Type.String({ maxLength: 32 })),
  clientExtensionResults: Type.Optional(Extensions),
};

const Registration = Type.Object({
  ...credential,
  response: Type.Object({
    clientDataJSON: B64(4096),
    attestationObject: B64(32768),
    transports: Transports,
    authenticatorData: Type.Optional(B64(8192)),
    publicKey: Type.Optional(B64(8192)),
    publicKeyAlgorithm: Type.Optional(Type.Integer()),
  }),
});

const Authentication = Type.Object({
  ...credential,
  response: Type.Object({
    clientDataJSON: B64(4096),
    authenticatorData: B64(8192),
    // Post-quantum signatures (ML-DSA, which the library verifies) run to a few kilobytes.
    signature: B64(8192),
    userHandle: Type.Optional(Type.Union([Type.String({ maxLength: 256 }), Type.Null()])),
  }),
});

function parse<T>(schema: TSchema, value: unknown): T | undefined {
  return Value.Check(schema, value) ? (value as T) : undefined;
}

/** The value as a registration answer (navigator.credentials.create, JSON-encoded), or undefined. */
export function parseRegistrationResponse(value: unknown): RegistrationResponseJSON | undefined {
  const parsed = parse<RegistrationResponseJSON>(Registration, value);
  return parsed && { ...parsed, clientExtensionResults: parsed.clientExtensionResults ?? {} };
}

/** The value as an assertion (navigator.credentials.get, JSON-encoded), or undefined. */
export function parseAuthenticationResponse(value: unknown): AuthenticationResponseJSON | undefined {
  const parsed = parse<AuthenticationResponseJSON & { response: { userHandle?: string | null } }>(
    Authentication,
    value,
  );
  if (!parsed) return undefined;
  const { userHandle, ...response } = parsed.response;
  return {
    ...parsed,
    clientExtensionResults: parsed.clientExtensionResults ?? {},
    response: userHandle ? { ...response, userHandle } : response,
  };
}
