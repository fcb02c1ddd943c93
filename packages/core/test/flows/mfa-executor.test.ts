import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { findUserByUsername, type User } from '../../src/identity/users-repository.ts';
import { insertStaticDevice } from '../../src/mfa/static-devices-repository.ts';
import { newTotpSecret, TOTP_DEFAULTS, type TotpParameters, totpCodeAt } from '../../src/mfa/totp.ts';
import { insertTotpDevice } from '../../src/mfa/totp-devices-repository.ts';
import {
  registrationOptions,
  relyingPartyFor,
  userHandleOf,
  verifyRegistration,
} from '../../src/mfa/webauthn.ts';
import { insertWebAuthnDevice } from '../../src/mfa/webauthn-devices-repository.ts';
import { apiClient } from '../support/api-client.ts';
import type { TestApp } from '../support/app.ts';
import { testBackends } from '../support/databases.ts';
import { type Challenge, OutpostFlowClient } from '../support/outpost-flow-client.ts';
import { type SoftAuthenticator, softAuthenticator } from '../support/soft-authenticator.ts';
import { createFlowApp, insertUserWithPassword } from './flow-app.ts';

const SIGN_IN = '/api/v3/flows/executor/default-authentication-flow/?query=';
const PASSKEY = '/api/v3/flows/executor/default-passwordless-flow/?query=';
// inject() reaches the core as http://localhost: that is the origin WebAuthn answers must be made for.
const ORIGIN = 'http://localhost';
const RP_ID = 'localhost';

interface DeviceChallenge {
  device_class: string;
  device_uid: string;
  challenge: { challenge?: string; allowCredentials?: Array<{ id: string }> };
  last_used: string | null;
}

for (const backend of testBackends()) {
  describe(`MFA through the flow executor on ${backend.name}`, () => {
    let t: TestApp;
    let clients = 0;
    const users: Record<string, User> = {};
    const user = (name: string): User => {
      const found = users[name];
      if (!found) throw new Error(`no user ${name}`);
      return found;
    };
    let totp: TotpParameters;
    let key: SoftAuthenticator;
    // Each client plays its own end-client address, so the throttle of one test does not reach another.
    const client = () =>
      new OutpostFlowClient(t.app, {
        'x-forwarded-for': `10.9.${Math.floor(++clients / 200)}.${clients % 200}`,
      });

    /** Identification with the inline password; answers the challenge that follows. */
    async function signIn(c: OutpostFlowClient, username: string): Promise<Challenge> {
      assert.equal((await c.request('GET', SIGN_IN)).json<Challenge>().component, 'ak-stage-identification');
      const res = await c.request('POST', SIGN_IN, {
        component: 'ak-stage-identification',
        uid_field: username,
        password: `${username}-pw-123`,
      });
      return res.json<Challenge>();
    }

    const answer = async (c: OutpostFlowClient, body: Record<string, unknown>, url = SIGN_IN) =>
      (
        await c.request('POST', url, { component: 'ak-stage-authenticator-validate', ...body })
      ).json<Challenge>();

    before(async () => {
      t = await createFlowApp(backend);
      for (const name of ['alice', 'bob', 'carol', 'dave']) {
        await insertUserWithPassword(t, { username: name }, `${name}-pw-123`);
        const found = await findUserByUsername(t.db, name);
        assert.ok(found);
        users[name] = found;
      }
      totp = { secret: newTotpSecret(), ...TOTP_DEFAULTS };
      await insertTotpDevice(t.db, t.ctx.box, {
        userId: user('alice').id,
        name: 'phone',
        parameters: totp,
        confirmed: true,
      });
      await insertStaticDevice(t.db, t.ctx.box, {
        userId: user('carol').id,
        name: 'codes',
        codes: ['abcdefghjkmn'],
      });
      key = softAuthenticator();
      const rp = relyingPartyFor(ORIGIN);
      const options = await registrationOptions(t.db, rp, user('dave'), {
        userVerification: 'preferred',
        residentKey: 'required',
      });
      const credential = await verifyRegistration({
        response: key.register({
          challenge: options.challenge,
          origin: ORIGIN,
          rpId: RP_ID,
          discoverable: true,
        }),
        expectedChallenge: options.challenge,
        rp,
        requireUserVerification: false,
        userId: user('dave').id,
        name: 'passkey',
      });
      await insertWebAuthnDevice(t.db, credential);
    });
    after(() => t.close());

    it('asks for the TOTP code after the password, and signs in with it', async () => {
      const c = client();
      const asked = await signIn(c, 'alice');
      assert.equal(asked.component, 'ak-stage-authenticator-validate');
      const devices = asked.device_challenges as DeviceChallenge[];
      assert.deepEqual(
        devices.map((d) => d.device_class),
        ['totp'],
      );
      assert.equal(c.cookies.has('authentik_session'), false, 'no session before the second factor');
      const done = await answer(c, { selected_challenge: devices[0], code: totpCodeAt(totp, Date.now()) });
      assert.equal(done.component, 'xak-flow-redirect', JSON.stringify(done));
      assert.ok(c.cookies.has('authentik_session'));
    });

    it('refuses a code used once already, and one of another user, with response_errors and no session', async () => {
      for (const code of [
        totpCodeAt(totp, Date.now()),
        totpCodeAt({ ...totp, secret: newTotpSecret() }, Date.now()),
      ]) {
        const c = client();
        await signIn(c, 'alice');
        const refused = await answer(c, { code });
        assert.equal(refused.component, 'ak-stage-authenticator-validate');
        assert.ok((refused.response_errors as Record<string, unknown>).code, JSON.stringify(refused));
        assert.equal(c.cookies.has('authentik_session'), false);
      }
    });

    it('skips the second factor for a user without devices', async () => {
      const c = client();
      assert.equal((await signIn(c, 'bob')).component, 'xak-flow-redirect');
    });

    it('signs in with a recovery code once', async () => {
      const first = client();
      await signIn(first, 'carol');
      assert.equal((await answer(first, { code: 'abcdefghjkmn' })).component, 'xak-flow-redirect');
      const second = client();
      await signIn(second, 'carol');
      assert.ok((await answer(second, { code: 'abcdefghjkmn' })).response_errors);
      assert.equal(second.cookies.has('authentik_session'), false);
    });

    it('throttles second factors like passwords: a right code is refused after the limit', async () => {
      const c = client();
      await signIn(c, 'alice');
      const wrong = totpCodeAt(totp, Date.now()) === '000000' ? '111111' : '000000';
      for (let i = 0; i < t.ctx.config.login.max_failures_per_username; i += 1)
        await answer(c, { code: wrong });
      const refused = await answer(c, { code: totpCodeAt(totp, Date.now() + 30_000) });
      const errors = refused.response_errors as Record<string, Array<{ code: string }>>;
      assert.equal(errors.non_field_errors?.[0]?.code, 'throttled');
      assert.equal(c.cookies.has('authentik_session'), false);
      // A correct password on a new attempt does not clear the second-factor count.
      const again = client();
      await signIn(again, 'alice');
      const still = await answer(again, { code: totpCodeAt(totp, Date.now() + 30_000) });
      assert.ok(still.response_errors, 'still throttled for this account');
    });

    it('signs in with a passkey alone, and refuses the same assertion or another origin after', async () => {
      const c = client();
      const asked = (await c.request('GET', PASSKEY)).json<Challenge>();
      assert.equal(asked.component, 'ak-stage-authenticator-validate');
      const device = (asked.device_challenges as DeviceChallenge[])[0];
      assert.equal(device?.device_uid, '-1');
      const userHandle = Buffer.from(userHandleOf(user('dave').uuid)).toString('base64url');
      const assertion = key.assert({
        challenge: device?.challenge.challenge ?? '',
        origin: ORIGIN,
        rpId: RP_ID,
        userHandle,
      });
      const done = await answer(c, { webauthn: assertion }, PASSKEY);
      assert.equal(done.component, 'xak-flow-redirect', JSON.stringify(done));
      assert.ok(c.cookies.has('authentik_session'));

      const replay = client();
      await replay.request('GET', PASSKEY);
      assert.ok((await answer(replay, { webauthn: assertion }, PASSKEY)).response_errors);
      const phished = client();
      const fresh = (
        (await phished.request('GET', PASSKEY)).json<Challenge>().device_challenges as DeviceChallenge[]
      )[0];
      const elsewhere = key.assert({
        challenge: fresh?.challenge.challenge ?? '',
        origin: 'https://evil.test',
        rpId: RP_ID,
        userHandle,
      });
      assert.ok((await answer(phished, { webauthn: elsewhere }, PASSKEY)).response_errors);
      for (const jar of [replay, phished]) assert.equal(jar.cookies.has('authentik_session'), false);
    });

    it('sets up a TOTP device for a signed-in user through its setup flow, and for nobody else', async () => {
      const setup = '/api/v3/flows/executor/default-authenticator-totp-setup/?query=';
      const anonymous = client();
      assert.equal(
        (await anonymous.request('GET', setup)).json<Challenge>().component,
        'ak-stage-access-denied',
      );
      const c = client();
      assert.equal((await signIn(c, 'bob')).component, 'xak-flow-redirect');
      const asked = (await c.request('GET', setup)).json<Challenge>();
      assert.equal(asked.component, 'ak-stage-authenticator-totp', JSON.stringify(asked));
      const secret = new URL(String(asked.config_url)).searchParams.get('secret') ?? '';
      const parameters = { ...TOTP_DEFAULTS, secret };
      const res = await c.request('POST', setup, {
        component: 'ak-stage-authenticator-totp',
        code: totpCodeAt(parameters, Date.now()),
      });
      assert.equal(res.json<Challenge>().component, 'xak-flow-redirect', res.body);
      const admin = apiClient(t.app, t.adminHeaders);
      const devices = (
        await admin.get(`/api/v3/authenticators/admin/all/?user=${user('bob').id}`)
      ).json() as Array<{ name: string }>;
      assert.deepEqual(
        devices.map((d) => d.name),
        ['Authenticator app'],
      );
      // Bob's next sign-in asks for it.
      const next = client();
      assert.equal((await signIn(next, 'bob')).component, 'ak-stage-authenticator-validate');
    });
  });
}
