import assert from 'node:assert/strict';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import { safeNextPath } from '../../src/flows/safe-next.ts';
import { hashPassword, verifyPassword } from '../../src/identity/passwords.ts';
import { findPasswordHash, insertUser } from '../../src/identity/users-repository.ts';
import { createTestApp, type TestApp } from '../support/app.ts';
import { BrowserSession } from '../support/browser-session.ts';
import { legacyArgon2Hash } from '../support/legacy-hash.ts';
import { testBackends } from '../support/databases.ts';

const SETUP = '/if/flow/initial-setup/';
const SIGN_IN = '/if/flow/default-authentication-flow/';
const SIGN_OUT = '/if/flow/default-invalidation-flow/';
const GENERIC = 'Invalid username or password.';

async function whoAmI(browser: BrowserSession): Promise<string | undefined> {
  const res = await browser.get('/api/v3/core/users/me/');
  return res.statusCode === 200 ? (res.json() as { user: { username: string } }).user.username : undefined;
}

for (const backend of testBackends()) {
  describe(`flow pages on ${backend.name}`, () => {
    describe('initial setup', () => {
      let t: TestApp;
      before(async () => {
        t = await createTestApp(backend);
      });
      after(() => t.close());

      it('sends the first visitor of / to the setup page', async () => {
        const res = await new BrowserSession(t.app).get('/');
        assert.equal(res.statusCode, 302);
        assert.equal(res.headers.location, SETUP);
      });

      it('refuses a submission without the CSRF token', async () => {
        const browser = new BrowserSession(t.app);
        await browser.get(SETUP);
        const res = await browser.post(SETUP, {
          email: 'a@example.com',
          password: 'long-enough',
          password_repeat: 'long-enough',
        });
        assert.equal(res.statusCode, 403);
        assert.equal(await whoAmI(browser), undefined);
      });

      it('checks the email, password length and repetition', async () => {
        const browser = new BrowserSession(t.app);
        for (const [fields, message] of [
          [{ email: 'not-an-email', password: 'long-enough', password_repeat: 'long-enough' }, 'valid email'],
          [{ email: 'a@example.com', password: 'short', password_repeat: 'short' }, 'at least 8'],
          [
            { email: 'a@example.com', password: 'long-enough', password_repeat: 'different1' },
            'do not match',
          ],
        ] as const) {
          const res = await browser.submit(SETUP, fields);
          assert.equal(res.statusCode, 400);
          assert.ok(res.body.includes(message), message);
        }
      });

      it('sets the password and email, signs in with a safe cookie, then closes', async () => {
        const browser = new BrowserSession(t.app);
        const res = await browser.submit(SETUP, {
          email: 'admin@example.com',
          password: 'first-password',
          password_repeat: 'first-password',
        });
        assert.equal(res.statusCode, 303);
        assert.equal(res.headers.location, '/');
        const cookie = [res.headers['set-cookie']]
          .flat()
          .find((c) => String(c).startsWith('palisade_session='));
        assert.match(String(cookie), /HttpOnly/);
        assert.match(String(cookie), /SameSite=Lax/);
        assert.doesNotMatch(String(cookie), /Secure/, 'plain http: no Secure flag');
        assert.equal(await whoAmI(browser), 'akadmin');
        const home = await browser.get('/');
        assert.equal(home.statusCode, 200);
        assert.match(home.body, /Signed in as\s+<strong id="username">akadmin<\/strong>/);

        const late = new BrowserSession(t.app);
        const page = await late.get(SETUP);
        assert.match(page.body, /Setup is complete/);
        assert.doesNotMatch(page.body, /name="password"/);
        const csrf = /name="csrf_token" value="([^"]+)"/.exec((await late.get(SIGN_IN)).body)?.[1] ?? '';
        const again = await late.post(SETUP, {
          csrf_token: csrf,
          email: 'evil@example.com',
          password: 'taken-over!',
          password_repeat: 'taken-over!',
        });
        assert.equal(again.statusCode, 403);
        assert.equal(await whoAmI(late), undefined);
      });
    });

    describe('sign-in and sign-out', () => {
      let t: TestApp;
      beforeEach(async () => {
        t = await createTestApp(backend, {
          PALISADE_LOGIN__MAX_FAILURES_PER_USERNAME: '3',
          PALISADE_LOGIN__MAX_FAILURES_PER_ADDRESS: '6',
          PALISADE_LOGIN__LOCKOUT_BASE_SECONDS: '30',
        });
        await insertUser(t.db, {
          username: 'alice',
          email: 'alice@example.com',
          passwordHash: await hashPassword('alice-password'),
        });
        await insertUser(t.db, {
          username: 'inactive',
          isActive: false,
          passwordHash: await hashPassword('inactive-password'),
        });
      });
      afterEach(() => t.close());

      it('signs in by username or by email and goes to a same-origin next', async () => {
        for (const id of ['alice', 'alice@example.com']) {
          const browser = new BrowserSession(t.app);
          const res = await browser.submit(`${SIGN_IN}?next=${encodeURIComponent('/some/page?x=1')}`, {
            uid_field: id,
            password: 'alice-password',
          });
          assert.equal(res.statusCode, 303, id);
          assert.equal(res.headers.location, '/some/page?x=1');
          assert.equal(await whoAmI(browser), 'alice');
        }
      });

      it('rehashes a password made with older argon2 parameters at sign-in', async () => {
        const legacy = await insertUser(t.db, {
          username: 'legacy',
          passwordHash: legacyArgon2Hash('legacy-password'),
        });
        const browser = new BrowserSession(t.app);
        const res = await browser.submit(SIGN_IN, { uid_field: 'legacy', password: 'legacy-password' });
        assert.equal(res.statusCode, 303);
        const stored = await findPasswordHash(t.db, legacy.id);
        assert.match(String(stored), /^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
        assert.equal((await verifyPassword(stored ?? null, 'legacy-password')).ok, true);
      });

      it('answers every kind of failure with the same message', async () => {
        const bodies: string[] = [];
        for (const [id, password] of [
          ['alice', 'wrong-password'],
          ['nobody', 'alice-password'],
          ['inactive', 'inactive-password'],
          ['akadmin', 'anything'],
        ]) {
          const browser = new BrowserSession(t.app);
          const res = await browser.submit(SIGN_IN, { uid_field: id ?? '', password: password ?? '' });
          assert.equal(res.statusCode, 200);
          assert.ok(res.body.includes(GENERIC), `${id}: generic message`);
          assert.equal(await whoAmI(browser), undefined);
          bodies.push(res.body.replace(/value="[^"]*"/g, ''));
        }
        assert.equal(new Set(bodies).size, 1, 'the pages differ only in echoed values');
      });

      it('locks a username after repeated failures, even for the right password, with Retry-After', async () => {
        for (let i = 0; i < 3; i++) {
          const res = await new BrowserSession(t.app, { 'x-forwarded-for': `198.51.100.${i}` }).submit(
            SIGN_IN,
            {
              uid_field: 'alice',
              password: `guess-${i}`,
            },
          );
          assert.equal(res.statusCode, 200);
        }
        const browser = new BrowserSession(t.app);
        const res = await browser.submit(SIGN_IN, { uid_field: 'alice', password: 'alice-password' });
        assert.equal(res.statusCode, 429);
        assert.equal(res.headers['retry-after'], '30');
        assert.ok(res.body.includes(GENERIC));
        assert.equal(await whoAmI(browser), undefined);
      });

      it('locks a client address that tries many usernames', async () => {
        const browser = new BrowserSession(t.app);
        for (let i = 0; i < 6; i++) await browser.submit(SIGN_IN, { uid_field: `user${i}`, password: 'x' });
        const res = await browser.submit(SIGN_IN, { uid_field: 'alice', password: 'alice-password' });
        assert.equal(res.statusCode, 429);
      });

      it('refuses a forged or missing CSRF token', async () => {
        const browser = new BrowserSession(t.app);
        await browser.get(SIGN_IN);
        for (const csrf_token of ['', 'forged.token', `${browser.cookies.get('palisade_csrf')}x`]) {
          const res = await browser.post(SIGN_IN, {
            csrf_token,
            uid_field: 'alice',
            password: 'alice-password',
          });
          assert.equal(res.statusCode, 403);
        }
        assert.equal(await whoAmI(browser), undefined);
      });

      it('never redirects off-site after sign-in', async () => {
        for (const next of [
          '//evil.example/',
          'https://evil.example/',
          '/\\evil.example',
          'javascript:alert(1)',
          '/\tfoo',
        ]) {
          const browser = new BrowserSession(t.app);
          const res = await browser.submit(`${SIGN_IN}?next=${encodeURIComponent(next)}`, {
            uid_field: 'alice',
            password: 'alice-password',
          });
          assert.equal(res.statusCode, 303);
          assert.equal(res.headers.location, '/', next);
        }
      });

      it('signs out on the server: the old cookie no longer authenticates', async () => {
        const browser = new BrowserSession(t.app);
        await browser.submit(SIGN_IN, { uid_field: 'alice', password: 'alice-password' });
        const stolen = browser.cookies.get('palisade_session');
        assert.ok(stolen);
        const res = await browser.submit(SIGN_OUT, {});
        assert.equal(res.statusCode, 303);
        assert.equal(res.headers.location, SIGN_IN);
        assert.equal(browser.cookies.has('palisade_session'), false);
        const replay = await t.app.inject({
          url: '/api/v3/core/users/me/',
          headers: { cookie: `palisade_session=${stolen}` },
        });
        assert.equal(replay.statusCode, 403);
      });

      it('sends security headers with every page', async () => {
        const res = await new BrowserSession(t.app).get(SIGN_IN);
        assert.match(String(res.headers['content-security-policy']), /frame-ancestors 'none'/);
        assert.equal(res.headers['x-frame-options'], 'DENY');
        assert.equal(res.headers['cache-control'], 'no-store');
        assert.equal(res.headers['x-content-type-options'], 'nosniff');
      });

      it('rejects duplicate form fields with a 400, not a 500', async () => {
        const res = await t.app.inject({
          method: 'POST',
          url: SIGN_IN,
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          payload: 'uid_field=a&uid_field=b&password=x',
        });
        assert.equal(res.statusCode, 400);
      });
    });
  });
}

describe('safe next path', () => {
  it('keeps same-origin paths and drops everything else', () => {
    assert.equal(safeNextPath('/application/o/authorize/?a=1#x'), '/application/o/authorize/?a=1#x');
    for (const bad of [
      '',
      'relative',
      '//x.example',
      '/\\x.example',
      'http://x.example/',
      '/\r\nx',
      42,
      undefined,
    ]) {
      assert.equal(safeNextPath(bad), '/', String(bad));
    }
  });
});
