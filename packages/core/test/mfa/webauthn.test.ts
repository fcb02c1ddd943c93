import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Database } from '../../src/db/database.ts';
import { migrate } from '../../src/db/migrate.ts';
import { findUserById, insertUser, type User } from '../../src/identity/users-repository.ts';
import {
  authenticationOptions,
  registrationOptions,
  relyingPartyFor,
  userHandleOf,
  verifyAuthentication,
  verifyRegistration,
  WebAuthnRefused,
} from '../../src/mfa/webauthn.ts';
import { findWebAuthnCredential, insertWebAuthnDevice } from '../../src/mfa/webauthn-devices-repository.ts';
import { parseAuthenticationResponse, parseRegistrationResponse } from '../../src/mfa/webauthn-input.ts';
import { testBackends } from '../support/databases.ts';
import { type SoftAuthenticator, softAuthenticator } from '../support/soft-authenticator.ts';

const rp = relyingPartyFor('https://sso.example.test');
const settings = { userVerification: 'preferred', residentKey: 'required' } as const;

for (const backend of testBackends()) {
  describe(`WebAuthn ceremonies on ${backend.name}`, () => {
    let db: Database;
    let alice: User;
    let bob: User;
    let key: SoftAuthenticator;
    let bobKey: SoftAuthenticator;
    const uuidOf = async (id: number) => (await findUserById(db, id))?.uuid;
    const handle = (user: User) => Buffer.from(userHandleOf(user.uuid)).toString('base64url');

    async function register(user: User, authenticator: SoftAuthenticator) {
      const options = await registrationOptions(db, rp, user, settings);
      const response = authenticator.register({
        challenge: options.challenge,
        origin: rp.origin,
        rpId: rp.rpId,
        discoverable: true,
      });
      const credential = await verifyRegistration({
        response,
        expectedChallenge: options.challenge,
        rp,
        requireUserVerification: false,
        userId: user.id,
        name: 'key',
      });
      return insertWebAuthnDevice(db, credential);
    }

    async function signIn(
      authenticator: SoftAuthenticator,
      options: {
        userId?: number;
        origin?: string;
        rpId?: string;
        counter?: number;
        userHandle?: string;
      } = {},
    ) {
      const { challenge } = await authenticationOptions(db, rp, {
        userId: options.userId,
        userVerification: 'preferred',
      });
      const response = authenticator.assert({
        challenge,
        origin: options.origin ?? rp.origin,
        rpId: options.rpId ?? rp.rpId,
        counter: options.counter,
        userHandle: options.userHandle,
      });
      return verifyAuthentication(db, {
        response,
        expectedChallenge: challenge,
        rp,
        requireUserVerification: false,
        userId: options.userId,
        userUuidOf: uuidOf,
      });
    }

    before(async () => {
      db = await backend.open();
      await migrate(db);
      alice = await insertUser(db, { username: 'alice' });
      bob = await insertUser(db, { username: 'bob' });
      key = softAuthenticator();
      bobKey = softAuthenticator();
    });
    after(async () => db.close());

    it('registers a credential: public key, counter, transports and discoverable flag stored', async () => {
      const id = await register(alice, key);
      const stored = await findWebAuthnCredential(db, key.credentialId);
      assert.equal(stored?.id, id);
      assert.equal(stored?.userId, alice.id);
      assert.equal(stored?.signCount, 0);
      assert.deepEqual(stored?.transports, ['internal']);
      assert.equal(stored?.discoverable, true);
      assert.ok((stored?.publicKey.length ?? 0) > 60);
      await register(bob, bobKey);
    });

    it('excludes the credentials a user has when registering another', async () => {
      const options = await registrationOptions(db, rp, alice, settings);
      assert.deepEqual(
        options.excludeCredentials?.map((c) => c.id),
        [key.credentialId],
      );
      assert.equal(options.rp.id, rp.rpId);
      assert.equal(options.authenticatorSelection?.residentKey, 'required');
    });

    it('refuses a registration made for another origin or relying party', async () => {
      for (const falsified of [{ origin: 'https://evil.test' }, { rpId: 'evil.test' }]) {
        const options = await registrationOptions(db, rp, alice, settings);
        const response = softAuthenticator().register({
          challenge: options.challenge,
          origin: rp.origin,
          rpId: rp.rpId,
          ...falsified,
        });
        await assert.rejects(
          verifyRegistration({
            response,
            expectedChallenge: options.challenge,
            rp,
            requireUserVerification: false,
            userId: alice.id,
            name: 'x',
          }),
          WebAuthnRefused,
        );
      }
    });

    it('authenticates a known user with their credential and moves the counter', async () => {
      const result = await signIn(key, { userId: alice.id });
      assert.deepEqual(result.userId, alice.id);
      assert.equal((await findWebAuthnCredential(db, key.credentialId))?.signCount, key.counter - 1);
    });

    it('authenticates a passkey as first factor by its user handle', async () => {
      const { allowCredentials } = await authenticationOptions(db, rp, { userVerification: 'required' });
      assert.equal(allowCredentials, undefined, 'no credentials listed: the browser offers its passkeys');
      const result = await signIn(key, { userHandle: handle(alice) });
      assert.equal(result.userId, alice.id);
    });

    it("refuses another user's credential, and a first-factor assertion naming another user", async () => {
      await assert.rejects(signIn(bobKey, { userId: alice.id }), /another user's credential/);
      await assert.rejects(signIn(bobKey, { userHandle: handle(alice) }), /user handle/);
      await assert.rejects(signIn(bobKey), /user handle/);
    });

    it('refuses an assertion for another origin or relying party', async () => {
      await assert.rejects(signIn(key, { userId: alice.id, origin: 'https://evil.test' }), WebAuthnRefused);
      await assert.rejects(signIn(key, { userId: alice.id, rpId: 'evil.test' }), WebAuthnRefused);
    });

    it('refuses a replayed or lower counter', async () => {
      const current = (await findWebAuthnCredential(db, key.credentialId))?.signCount ?? 0;
      await assert.rejects(signIn(key, { userId: alice.id, counter: current }), /counter/);
      await assert.rejects(signIn(key, { userId: alice.id, counter: current - 1 }), /counter/);
      assert.equal((await findWebAuthnCredential(db, key.credentialId))?.signCount, current);
      await signIn(key, { userId: alice.id, counter: current + 5 });
    });

    it('refuses an assertion answering another challenge, and an unknown credential', async () => {
      const response = key.assert({ challenge: 'b3RoZXItY2hhbGxlbmdl', origin: rp.origin, rpId: rp.rpId });
      await assert.rejects(
        verifyAuthentication(db, {
          response,
          expectedChallenge: 'dGhlLXJlYWwtb25l',
          rp,
          requireUserVerification: false,
          userId: alice.id,
          userUuidOf: uuidOf,
        }),
        WebAuthnRefused,
      );
      await assert.rejects(signIn(softAuthenticator(), { userId: alice.id }), /unknown credential/);
    });
  });
}

describe('WebAuthn answers as input', () => {
  it('accepts what a browser sends and refuses malformed or oversized answers', () => {
    const key = softAuthenticator();
    const registration = key.register({ challenge: 'Y2hhbA', origin: rp.origin, rpId: rp.rpId });
    assert.ok(parseRegistrationResponse(registration));
    const assertion = key.assert({ challenge: 'Y2hhbA', origin: rp.origin, rpId: rp.rpId });
    assert.ok(parseAuthenticationResponse(assertion));
    assert.equal(parseAuthenticationResponse({ ...assertion, type: 'other' }), undefined);
    assert.equal(parseAuthenticationResponse('text'), undefined);
    assert.equal(parseAuthenticationResponse(null), undefined);
    assert.equal(
      parseAuthenticationResponse({
        ...assertion,
        response: { ...assertion.response, signature: 'A'.repeat(100_000) },
      }),
      undefined,
    );
    assert.equal(
      parseRegistrationResponse({ ...registration, response: { clientDataJSON: 'not base64!' } }),
      undefined,
    );
  });
});
