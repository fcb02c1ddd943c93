import {
  type AuthenticationResponseJSON,
  generateAuthenticationOptions,
  generateRegistrationOptions,
  type PublicKeyCredentialCreationOptionsJSON,
  type PublicKeyCredentialRequestOptionsJSON,
  type RegistrationResponseJSON,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
} from '@simplewebauthn/server';
import type { Queryable } from '../db/database.ts';
import {
  advanceSignCount,
  findWebAuthnCredential,
  listUserCredentials,
  type NewWebAuthnCredential,
} from './webauthn-devices-repository.ts';

/**
 * WebAuthn ceremonies through `@simplewebauthn/server`: options for the browser, and verification of its
 * answers against the origin and relying-party id Palisade is reached at. Challenges are made here and kept
 * by the caller (the flow's server-side state) until the answer comes back.
 */

/** Who the credentials are for: the origin browsers see and its host name as the relying-party id. */
export interface RelyingParty {
  origin: string;
  rpId: string;
  name: string;
}

/** The relying party of an origin such as `https://sso.example.com`. */
export function relyingPartyFor(origin: string, name = 'Palisade'): RelyingParty {
  const url = new URL(origin);
  return { origin: url.origin, rpId: url.hostname, name };
}

/** The WebAuthn setting for user verification (PIN, biometrics). */
export type UserVerification = 'required' | 'preferred' | 'discouraged';

/** The user handle of a user's credentials: their uuid's bytes, so an assertion names its user. */
export function userHandleOf(userUuid: string): Uint8Array<ArrayBuffer> {
  return Uint8Array.from(Buffer.from(userUuid, 'utf8'));
}

/** Options for navigator.credentials.create: a new credential for `user`, none of its existing ones again. */
export async function registrationOptions(
  db: Queryable,
  rp: RelyingParty,
  user: { id: number; uuid: string; username: string; name: string },
  settings: {
    userVerification: UserVerification;
    residentKey: UserVerification;
    authenticatorAttachment?: 'platform' | 'cross-platform';
    /** The challenge (base64url) to ask with; a new random one when absent. */
    challenge?: string;
  },
): Promise<PublicKeyCredentialCreationOptionsJSON> {
  const existing = await listUserCredentials(db, user.id);
  return generateRegistrationOptions({
    rpName: rp.name,
    rpID: rp.rpId,
    userName: user.username,
    userDisplayName: user.name || user.username,
    userID: userHandleOf(user.uuid),
    challenge: challengeBytes(settings.challenge),
    attestationType: 'none',
    excludeCredentials: existing.map((c) => ({ id: c.credentialId, transports: c.transports })),
    authenticatorSelection: {
      residentKey: settings.residentKey === 'discouraged' ? 'discouraged' : settings.residentKey,
      userVerification: settings.userVerification,
      authenticatorAttachment: settings.authenticatorAttachment,
    },
  });
}

// The library reads a string challenge as UTF-8 text; ours are base64url, so hand it the bytes.
function challengeBytes(challenge: string | undefined): Uint8Array<ArrayBuffer> | undefined {
  return challenge === undefined ? undefined : Uint8Array.from(Buffer.from(challenge, 'base64url'));
}

/** Why a WebAuthn answer was refused; for the log only, the user hears a generic message. */
export class WebAuthnRefused extends Error {
  override name = 'WebAuthnRefused';
}

/** Checks a registration answer against its challenge, origin and relying party; the credential to store. */
export async function verifyRegistration(input: {
  response: RegistrationResponseJSON;
  expectedChallenge: string;
  rp: RelyingParty;
  requireUserVerification: boolean;
  userId: number;
  name: string;
}): Promise<NewWebAuthnCredential> {
  const result = await verifyRegistrationResponse({
    response: input.response,
    expectedChallenge: input.expectedChallenge,
    expectedOrigin: input.rp.origin,
    expectedRPID: input.rp.rpId,
    requireUserVerification: input.requireUserVerification,
  }).catch((error: unknown) => {
    throw new WebAuthnRefused(error instanceof Error ? error.message : String(error));
  });
  if (!result.verified) throw new WebAuthnRefused('registration not verified');
  const info = result.registrationInfo;
  return {
    userId: input.userId,
    name: input.name,
    credentialId: info.credential.id,
    publicKey: info.credential.publicKey,
    signCount: info.credential.counter,
    transports: input.response.response.transports ?? [],
    aaguid: info.aaguid,
    // The client's credProps extension tells whether the key is resident; without it, assume it is not.
    discoverable:
      (input.response.clientExtensionResults as { credProps?: { rk?: boolean } }).credProps?.rk === true,
    backedUp: info.credentialBackedUp,
  };
}

/**
 * Options for navigator.credentials.get: with a user, their credentials; without one, none listed, so the
 * browser offers the discoverable credentials (passkeys) it holds for this relying party.
 */
export async function authenticationOptions(
  db: Queryable,
  rp: RelyingParty,
  settings: { userId?: number; userVerification: UserVerification; challenge?: string },
): Promise<PublicKeyCredentialRequestOptionsJSON> {
  const allow = settings.userId === undefined ? undefined : await listUserCredentials(db, settings.userId);
  return generateAuthenticationOptions({
    rpID: rp.rpId,
    allowCredentials: allow?.map((c) => ({ id: c.credentialId, transports: c.transports })),
    userVerification: settings.userVerification,
    challenge: challengeBytes(settings.challenge),
  });
}

/**
 * Verifies an assertion: the credential must be known (and belong to `userId` when one is expected), the
 * signature valid for the challenge, origin and relying party, and its counter above the stored one when
 * either is non-zero (a lower or equal counter means a cloned authenticator or a replay). Answers the
 * device id and its owner; throws WebAuthnRefused otherwise.
 */
export async function verifyAuthentication(
  db: Queryable,
  input: {
    response: AuthenticationResponseJSON;
    expectedChallenge: string;
    rp: RelyingParty;
    requireUserVerification: boolean;
    /** The user signing in, when already known; undefined for a passkey as first factor. */
    userId?: number;
    /** The expected user's uuid, to match the assertion's user handle against. */
    userUuidOf: (userId: number) => Promise<string | undefined>;
  },
): Promise<{ deviceId: number; userId: number }> {
  const credential = await findWebAuthnCredential(db, input.response.id);
  if (!credential) throw new WebAuthnRefused('unknown credential');
  if (input.userId !== undefined && credential.userId !== input.userId)
    throw new WebAuthnRefused("another user's credential");
  const handle = input.response.response.userHandle;
  if (handle !== undefined) {
    const uuid = await input.userUuidOf(credential.userId);
    const expected = uuid && Buffer.from(userHandleOf(uuid)).toString('base64url');
    if (handle !== expected) throw new WebAuthnRefused('user handle does not match the credential');
  } else if (input.userId === undefined) {
    throw new WebAuthnRefused('a first-factor assertion must carry a user handle');
  }
  const result = await verifyAuthenticationResponse({
    response: input.response,
    expectedChallenge: input.expectedChallenge,
    expectedOrigin: input.rp.origin,
    expectedRPID: input.rp.rpId,
    requireUserVerification: input.requireUserVerification,
    credential: {
      id: credential.credentialId,
      publicKey: credential.publicKey,
      counter: credential.signCount,
      transports: credential.transports,
    },
  }).catch((error: unknown) => {
    throw new WebAuthnRefused(error instanceof Error ? error.message : String(error));
  });
  if (!result.verified) throw new WebAuthnRefused('assertion not verified');
  if (
    !(await advanceSignCount(db, credential.id, credential.signCount, result.authenticationInfo.newCounter))
  )
    throw new WebAuthnRefused('counter moved during verification (concurrent use)');
  return { deviceId: credential.id, userId: credential.userId };
}
