import { createHash, generateKeyPairSync, randomBytes, sign } from 'node:crypto';
import type { AuthenticationResponseJSON, RegistrationResponseJSON } from '@simplewebauthn/server';
import { isoCBOR } from '@simplewebauthn/server/helpers';

/**
 * A software WebAuthn authenticator for service and API tests (the browser suites use Chromium's virtual
 * authenticator instead): an ES256 key pair, a signature counter, and the answers a browser would send for
 * navigator.credentials.create and .get, with every field a test may want to falsify (origin, rp id,
 * counter) as a parameter.
 */
export interface SoftAuthenticator {
  readonly credentialId: string;
  /** The counter the next assertion carries (incremented after each, unless the test sets it). */
  counter: number;
  register(input: {
    challenge: string;
    origin: string;
    rpId: string;
    userHandle?: string;
    discoverable?: boolean;
  }): RegistrationResponseJSON;
  assert(input: {
    challenge: string;
    origin: string;
    rpId: string;
    userHandle?: string;
    counter?: number;
  }): AuthenticationResponseJSON;
}

const b64 = (bytes: Uint8Array | Buffer) => Buffer.from(bytes).toString('base64url');
const sha256 = (data: Uint8Array | string) => createHash('sha256').update(data).digest();

function u32(value: number): Buffer {
  const out = Buffer.alloc(4);
  out.writeUInt32BE(value);
  return out;
}

/** A new authenticator with a fresh key and credential id. */
export function softAuthenticator(): SoftAuthenticator {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const jwk = publicKey.export({ format: 'jwk' });
  const credentialIdBytes = randomBytes(32);
  const cose = isoCBOR.encode(
    new Map<number, number | Uint8Array>([
      [1, 2],
      [3, -7],
      [-1, 1],
      [-2, new Uint8Array(Buffer.from(jwk.x ?? '', 'base64url'))],
      [-3, new Uint8Array(Buffer.from(jwk.y ?? '', 'base64url'))],
    ]),
  );
  const clientData = (type: string, challenge: string, origin: string) =>
    Buffer.from(JSON.stringify({ type, challenge, origin, crossOrigin: false }));

  const self: SoftAuthenticator = {
    credentialId: b64(credentialIdBytes),
    counter: 1,
    register(input) {
      const idLength = Buffer.alloc(2);
      idLength.writeUInt16BE(credentialIdBytes.length);
      // Flags: user present (0x01), user verified (0x04), attested credential data (0x40).
      const authData = Buffer.concat([
        sha256(input.rpId),
        Buffer.from([0x45]),
        u32(0),
        Buffer.alloc(16),
        idLength,
        credentialIdBytes,
        Buffer.from(cose),
      ]);
      const attestationObject = isoCBOR.encode(
        new Map<string, string | Map<string, number> | Uint8Array>([
          ['fmt', 'none'],
          ['attStmt', new Map<string, number>()],
          ['authData', new Uint8Array(authData)],
        ]),
      );
      return {
        id: self.credentialId,
        rawId: self.credentialId,
        type: 'public-key',
        clientExtensionResults: input.discoverable ? { credProps: { rk: true } } : {},
        response: {
          clientDataJSON: b64(clientData('webauthn.create', input.challenge, input.origin)),
          attestationObject: b64(attestationObject),
          transports: ['internal'],
        },
      };
    },
    assert(input) {
      const counter = input.counter ?? self.counter;
      self.counter = counter + 1;
      const authData = Buffer.concat([sha256(input.rpId), Buffer.from([0x05]), u32(counter)]);
      const client = clientData('webauthn.get', input.challenge, input.origin);
      const signature = sign('sha256', Buffer.concat([authData, sha256(client)]), privateKey);
      return {
        id: self.credentialId,
        rawId: self.credentialId,
        type: 'public-key',
        clientExtensionResults: {},
        response: {
          clientDataJSON: b64(client),
          authenticatorData: b64(authData),
          signature: b64(signature),
          ...(input.userHandle ? { userHandle: input.userHandle } : {}),
        },
      };
    },
  };
  return self;
}
