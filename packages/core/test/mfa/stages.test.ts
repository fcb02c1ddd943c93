import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { isAuthenticated, markAuthenticated } from '../../src/flows/engine/state.ts';
import type { StageOutcome } from '../../src/flows/engine/stage.ts';
import { insertUser, type User } from '../../src/identity/users-repository.ts';
import { listUserDevices } from '../../src/mfa/devices-repository.ts';
import { authenticatorStaticStage } from '../../src/mfa/stages/authenticator-static.ts';
import { authenticatorTotpStage } from '../../src/mfa/stages/authenticator-totp.ts';
import { authenticatorValidateStage } from '../../src/mfa/stages/authenticator-validate.ts';
import { authenticatorWebAuthnStage } from '../../src/mfa/stages/authenticator-webauthn.ts';
import { insertStaticDevice } from '../../src/mfa/static-devices-repository.ts';
import { newTotpSecret, TOTP_DEFAULTS, totpCodeAt } from '../../src/mfa/totp.ts';
import { insertTotpDevice } from '../../src/mfa/totp-devices-repository.ts';
import { userHandleOf } from '../../src/mfa/webauthn.ts';
import { createTestApp, type TestApp } from '../support/app.ts';
import { testBackends } from '../support/databases.ts';
import { softAuthenticator } from '../support/soft-authenticator.ts';
import { stageHarness } from '../support/stage-run.ts';

const ORIGIN = 'https://sso.example.test';
const RP_ID = 'sso.example.test';

type Challenge = Extract<StageOutcome, { kind: 'challenge' }>['challenge'];

function challengeOf(outcome: StageOutcome): Challenge {
  assert.equal(outcome.kind, 'challenge', JSON.stringify(outcome));
  return (outcome as Extract<StageOutcome, { kind: 'challenge' }>).challenge;
}

function errorsOf(outcome: StageOutcome): Record<string, Array<{ code: string }>> {
  return (challengeOf(outcome).response_errors ?? {}) as Record<string, Array<{ code: string }>>;
}

// The stages' storage goes through repositories tested on both backends; here the embedded one suffices.
const [backend] = testBackends();

describe('MFA stages', () => {
  let t: TestApp;
  let n = 0;
  const user = async (): Promise<User> => insertUser(t.db, { username: `user${++n}` });
  const validate = (u: User | undefined, config = {}, authenticated = true) => {
    const h = stageHarness(t.ctx, authenticatorValidateStage, config);
    if (u) {
      if (authenticated) markAuthenticated(h.state, u.id);
      else h.state.pendingUserId = u.id;
    }
    return h;
  };
  const withTotp = async (u: User) => {
    const parameters = { secret: newTotpSecret(), ...TOTP_DEFAULTS };
    await insertTotpDevice(t.db, t.ctx.box, { userId: u.id, name: 'phone', parameters, confirmed: true });
    return parameters;
  };

  before(async () => {
    if (!backend) throw new Error('no test backend');
    t = await createTestApp(backend);
  });
  after(() => t.close());

  describe('authenticator validation', () => {
    it('is skipped for a user without devices, or denies, as not_configured_action says', async () => {
      const u = await user();
      assert.equal((await validate(u).challenge()).kind, 'done');
      assert.equal((await validate(u, { not_configured_action: 'deny' }).challenge()).kind, 'deny');
      await withTotp(u);
      const onlyKeys = await validate(u, {
        device_classes: ['webauthn'],
        not_configured_action: 'deny',
      }).challenge();
      assert.equal(onlyKeys.kind, 'deny', 'a device of a class the stage does not allow does not count');
    });

    it('asks for a TOTP code, accepts it once, and refuses it the second time', async () => {
      const u = await user();
      const parameters = await withTotp(u);
      const first = validate(u);
      const asked = challengeOf(await first.challenge());
      assert.equal(asked.component, 'ak-stage-authenticator-validate');
      assert.deepEqual(
        (asked.device_challenges as Array<{ device_class: string }>).map((c) => c.device_class),
        ['totp'],
      );
      const code = totpCodeAt(parameters, Date.now());
      assert.equal(errorsOf(await first.solve({ code: '000000x' })).code?.[0]?.code, 'invalid');
      assert.equal((await first.solve({ code, selected_challenge: { device_class: 'totp' } })).kind, 'done');
      assert.ok(isAuthenticated(first.state));
      const replay = validate(u);
      assert.equal(errorsOf(await replay.solve({ code })).code?.[0]?.code, 'invalid');
    });

    it("refuses another user's TOTP code", async () => {
      const [u, other] = [await user(), await user()];
      await withTotp(u);
      const theirs = await withTotp(other);
      const h = validate(u);
      assert.equal(
        errorsOf(await h.solve({ code: totpCodeAt(theirs, Date.now()) })).code?.[0]?.code,
        'invalid',
      );
    });

    it('accepts a recovery code once, and only when static devices are allowed', async () => {
      const u = await user();
      // A TOTP device too, so that a stage allowing TOTP only still asks (rather than skips).
      await withTotp(u);
      await insertStaticDevice(t.db, t.ctx.box, {
        userId: u.id,
        name: 'codes',
        codes: ['abcdefghjkmn', 'pqrstuvwxyz2'],
      });
      assert.equal(
        errorsOf(await validate(u, { device_classes: ['totp'] }).solve({ code: 'abcdefghjkmn' })).code?.[0]
          ?.code,
        'invalid',
      );
      assert.equal((await validate(u).solve({ code: 'abcdefghjkmn' })).kind, 'done');
      assert.equal(errorsOf(await validate(u).solve({ code: 'abcdefghjkmn' })).code?.[0]?.code, 'invalid');
    });

    it('counts failed codes toward the throttle, which a correct password does not clear', async () => {
      const u = await user();
      const parameters = await withTotp(u);
      const h = validate(u);
      const limit = t.ctx.config.login.max_failures_per_username;
      const wrong = totpCodeAt(parameters, Date.now()) === '000000' ? '111111' : '000000';
      for (let i = 0; i < limit; i += 1) await h.solve({ code: wrong });
      // What the password stage does on success:
      t.ctx.throttle.recordSuccess(u.username, h.run.client.address);
      const refused = await h.solve({ code: totpCodeAt(parameters, Date.now()) });
      assert.equal(errorsOf(refused).non_field_errors?.[0]?.code, 'throttled');
      assert.equal(t.ctx.throttle.check(u.username, h.run.client.address).allowed, true);
    });

    it('rejects malformed answers as response errors, never by throwing', async () => {
      const u = await user();
      await withTotp(u);
      for (const answer of [
        {},
        { code: 42 },
        { code: 'x'.repeat(100_000) },
        { webauthn: 'text' },
        { webauthn: { id: 1 } },
      ]) {
        const outcome = await validate(u).solve(answer);
        assert.equal(outcome.kind, 'challenge', JSON.stringify(answer));
        assert.ok(challengeOf(outcome).response_errors, JSON.stringify(answer));
      }
    });

    it('checks a WebAuthn second factor against origin, challenge and counter', async () => {
      const u = await user();
      const key = softAuthenticator();
      const setup = stageHarness(t.ctx, authenticatorWebAuthnStage, {}, { client: { signedInUser: u } });
      const registration = challengeOf(await setup.challenge()).registration as { challenge: string };
      assert.equal(
        (
          await setup.solve({
            response: key.register({ challenge: registration.challenge, origin: ORIGIN, rpId: RP_ID }),
          })
        ).kind,
        'done',
      );
      const h = validate(u);
      const asked = challengeOf(await h.challenge());
      const webauthn = (
        asked.device_challenges as Array<{
          device_class: string;
          challenge: { challenge: string; allowCredentials: Array<{ id: string }> };
        }>
      ).find((c) => c.device_class === 'webauthn');
      assert.deepEqual(
        webauthn?.challenge.allowCredentials.map((c) => c.id),
        [key.credentialId],
      );
      const challenge = webauthn?.challenge.challenge ?? '';
      const evil = key.assert({ challenge, origin: 'https://evil.test', rpId: RP_ID });
      assert.equal(errorsOf(await h.solve({ webauthn: evil })).webauthn?.[0]?.code, 'invalid');
      // The refused answer used up its challenge: a new one is asked.
      const next = challengeOf(await h.challenge());
      const fresh =
        (next.device_challenges as Array<{ challenge: { challenge: string } }>)[0]?.challenge.challenge ?? '';
      assert.notEqual(fresh, challenge);
      const good = key.assert({ challenge: fresh, origin: ORIGIN, rpId: RP_ID });
      assert.equal((await h.solve({ webauthn: good })).kind, 'done');
      const replay = validate(u);
      await replay.challenge();
      assert.equal(errorsOf(await replay.solve({ webauthn: good })).webauthn?.[0]?.code, 'invalid');
    });

    it('signs a user in with a passkey alone when nobody is pending', async () => {
      const u = await user();
      const key = softAuthenticator();
      const setup = stageHarness(
        t.ctx,
        authenticatorWebAuthnStage,
        { resident_key_requirement: 'required' },
        { client: { signedInUser: u } },
      );
      const registration = challengeOf(await setup.challenge()).registration as { challenge: string };
      await setup.solve({
        response: key.register({
          challenge: registration.challenge,
          origin: ORIGIN,
          rpId: RP_ID,
          discoverable: true,
        }),
      });
      const h = validate(undefined, { device_classes: ['webauthn'] });
      const asked = challengeOf(await h.challenge());
      const device = (
        asked.device_challenges as Array<{
          device_uid: string;
          challenge: { challenge: string; allowCredentials?: unknown };
        }>
      )[0];
      assert.equal(device?.device_uid, '-1');
      assert.equal(device?.challenge.allowCredentials, undefined);
      const handle = Buffer.from(userHandleOf(u.uuid)).toString('base64url');
      const answer = key.assert({
        challenge: device?.challenge.challenge ?? '',
        origin: ORIGIN,
        rpId: RP_ID,
        userHandle: handle,
      });
      assert.equal((await h.solve({ webauthn: answer })).kind, 'done');
      assert.equal(h.state.pendingUserId, u.id);
      assert.ok(isAuthenticated(h.state));
    });

    it('offers nothing when no origin is known, rather than guess one', async () => {
      const h = stageHarness(t.ctx, authenticatorValidateStage, {}, { client: { origin: undefined } });
      assert.equal((await h.challenge()).kind, 'deny');
    });
  });

  describe('setup stages', () => {
    it('adds a TOTP device only after a valid code, whose step then counts as used', async () => {
      const u = await user();
      const h = stageHarness(
        t.ctx,
        authenticatorTotpStage,
        { friendly_name: 'Phone' },
        { client: { signedInUser: u } },
      );
      const uri = new URL(String(challengeOf(await h.challenge()).config_url));
      assert.equal(uri.protocol, 'otpauth:');
      const secret = uri.searchParams.get('secret') ?? '';
      assert.ok(!JSON.stringify(h.state.context).includes(secret), 'the pending secret is kept sealed');
      assert.equal(errorsOf(await h.solve({ code: '123' })).code?.[0]?.code, 'invalid');
      assert.deepEqual(await listUserDevices(t.db, u.id), []);
      const code = totpCodeAt({ secret, ...TOTP_DEFAULTS }, Date.now());
      assert.equal((await h.solve({ code })).kind, 'done');
      const devices = await listUserDevices(t.db, u.id);
      assert.deepEqual(
        devices.map((d) => [d.kind, d.name, d.confirmed]),
        [['totp', 'Phone', true]],
      );
      assert.equal(
        errorsOf(await validate(u).solve({ code })).code?.[0]?.code,
        'invalid',
        'the setup code is used',
      );
    });

    it('refuses to add a device for a user who is only identified', async () => {
      const u = await user();
      for (const kind of [authenticatorTotpStage, authenticatorStaticStage, authenticatorWebAuthnStage]) {
        const h = stageHarness(
          t.ctx,
          kind as typeof authenticatorStaticStage,
          {},
          { state: { pendingUserId: u.id } },
        );
        assert.equal((await h.challenge()).kind, 'deny', kind.kind);
        assert.equal(await h.run.state.pendingUserId, u.id);
      }
      assert.deepEqual(await listUserDevices(t.db, u.id), []);
    });

    it('shows recovery codes once and stores them so that each works once', async () => {
      const u = await user();
      const h = stageHarness(
        t.ctx,
        authenticatorStaticStage,
        { token_count: 3 },
        { client: { signedInUser: u } },
      );
      const codes = challengeOf(await h.challenge()).codes as string[];
      assert.equal(codes.length, 3);
      assert.deepEqual(challengeOf(await h.challenge()).codes, codes, 'the same codes until confirmed');
      assert.equal((await h.solve({})).kind, 'done');
      assert.equal((await validate(u).solve({ code: codes[1] ?? '' })).kind, 'done');
      assert.equal(errorsOf(await validate(u).solve({ code: codes[1] ?? '' })).code?.[0]?.code, 'invalid');
    });

    it('refuses a WebAuthn registration for another origin, and the same answer twice', async () => {
      const u = await user();
      const key = softAuthenticator();
      const h = stageHarness(t.ctx, authenticatorWebAuthnStage, {}, { client: { signedInUser: u } });
      const first = (challengeOf(await h.challenge()).registration as { challenge: string }).challenge;
      const evil = key.register({ challenge: first, origin: 'https://evil.test', rpId: RP_ID });
      assert.equal(errorsOf(await h.solve({ response: evil })).response?.[0]?.code, 'invalid');
      const second = (challengeOf(await h.challenge()).registration as { challenge: string }).challenge;
      assert.notEqual(second, first);
      const good = key.register({ challenge: second, origin: ORIGIN, rpId: RP_ID });
      assert.equal((await h.solve({ response: good })).kind, 'done');
      assert.equal(errorsOf(await h.solve({ response: good })).response?.[0]?.code, 'invalid');
      assert.equal((await listUserDevices(t.db, u.id)).length, 1);
    });
  });

  describe('pages', () => {
    it('renders the TOTP setup with a QR code and the key, and the WebAuthn controls with their scripts', async () => {
      const uri = 'otpauth://totp/Palisade:alice?secret=JBSWY3DPEHPK3PXP&issuer=Palisade';
      const totp =
        authenticatorTotpStage.html?.render({ component: 'ak-stage-authenticator-totp', config_url: uri }, [])
          .text ?? '';
      assert.match(totp, /<svg[^>]*viewBox/);
      assert.match(totp, /JBSWY3DPEHPK3PXP/);
      const page =
        authenticatorValidateStage.html?.render(
          {
            component: 'ak-stage-authenticator-validate',
            device_challenges: [{ device_class: 'webauthn', challenge: { challenge: 'abc"<x>' } }],
          },
          [],
        ).text ?? '';
      assert.match(page, /src="\/static\/webauthn-stage.js"/);
      assert.ok(!page.includes('<x>'), 'the options are escaped into the attribute');
      assert.deepEqual(authenticatorValidateStage.html?.response({ code: '123456', webauthn: '' }), {
        component: 'ak-stage-authenticator-validate',
        code: '123456',
      });
      assert.deepEqual(authenticatorValidateStage.html?.response({ webauthn: '{"id":"x"}' }), {
        component: 'ak-stage-authenticator-validate',
        webauthn: { id: 'x' },
      });
    });

    it('serves the WebAuthn scripts as files of this origin', async () => {
      for (const path of ['/static/simplewebauthn-browser.js', '/static/webauthn-stage.js']) {
        const res = await t.app.inject({ url: path });
        assert.equal(res.statusCode, 200, path);
        assert.match(String(res.headers['content-type']), /^text\/javascript/);
      }
      const lib = await t.app.inject({ url: '/static/simplewebauthn-browser.js' });
      assert.match(lib.body, /SimpleWebAuthnBrowser/);
    });
  });
});
