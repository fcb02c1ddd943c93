import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { verifyPassword } from '../../src/identity/passwords.ts';
import { findPasswordHash, findUserByUsername, insertUser } from '../../src/identity/users-repository.ts';
import type { TestApp } from '../support/app.ts';
import { BrowserSession } from '../support/browser-session.ts';
import { testBackends } from '../support/databases.ts';
import { legacyArgon2Hash } from '../support/legacy-hash.ts';
import {
  createFlowApp,
  GENERIC,
  insertUserWithPassword,
  newBrowser,
  SIGN_IN,
  sessionCookieLine,
  whoAmI,
} from './flow-app.ts';

// FLOW_ENV: 3 failures lock a username, 6 lock an address, for 30 seconds at first.
const USERNAME_LIMIT = 3;
const ADDRESS_LIMIT = 6;

for (const backend of testBackends()) {
  describe(`sign-in flow on ${backend.name}`, () => {
    let t: TestApp;
    // Each test signs in as users of its own, so the attempt counters of one app never mix between tests.
    const user = (name: string) => ({ username: name, email: `${name}@example.com` });
    before(async () => {
      t = await createFlowApp(backend);
    });
    after(() => t.close());

    it('signs in by username or by email and goes to a same-origin next', async () => {
      await insertUserWithPassword(t, user('alice'), 'alice-password');
      for (const id of ['alice', 'alice@example.com']) {
        const browser = newBrowser(t);
        const res = await browser.submit(`${SIGN_IN}?next=${encodeURIComponent('/some/page?x=1')}`, {
          uid_field: id,
          password: 'alice-password',
        });
        assert.equal(res.statusCode, 303, id);
        assert.equal(res.headers.location, '/some/page?x=1');
        assert.equal(await whoAmI(browser), 'alice');
        assert.ok((await findUserByUsername(t.db, 'alice'))?.lastLogin, 'last login is recorded');
      }
    });

    it('sets an HttpOnly, SameSite=Lax cookie, Secure when the request came over https', async () => {
      await insertUserWithPassword(t, user('carol'), 'carol-password');
      const plain = await newBrowser(t).submit(SIGN_IN, { uid_field: 'carol', password: 'carol-password' });
      assert.match(String(sessionCookieLine(plain.headers)), /; HttpOnly/);
      assert.doesNotMatch(String(sessionCookieLine(plain.headers)), /Secure/);
      // The test client is a trusted proxy (FLOW_ENV), so its X-Forwarded-Proto is believed.
      const tls = newBrowser(t, { 'x-forwarded-proto': 'https' });
      const res = await tls.submit(SIGN_IN, { uid_field: 'carol', password: 'carol-password' });
      const cookie = String(sessionCookieLine(res.headers));
      assert.match(cookie, /; HttpOnly/);
      assert.match(cookie, /; SameSite=Lax/);
      assert.match(cookie, /; Secure/);
    });

    it('replaces the session a browser had before signing in', async () => {
      await insertUserWithPassword(t, user('dave'), 'dave-password');
      const browser = newBrowser(t);
      await browser.submit(SIGN_IN, { uid_field: 'dave', password: 'dave-password' });
      const first = browser.cookies.get('palisade_session');
      await browser.post(`${SIGN_IN}`, {
        csrf_token: browser.cookies.get('palisade_csrf') ?? '',
        uid_field: 'dave',
        password: 'dave-password',
      });
      assert.notEqual(browser.cookies.get('palisade_session'), first);
      const old = await t.app.inject({
        url: '/api/v3/core/users/me/',
        headers: { cookie: `palisade_session=${first}` },
      });
      assert.equal(old.statusCode, 403);
    });

    it('sends an already signed-in browser straight to next', async () => {
      await insertUserWithPassword(t, user('erin'), 'erin-password');
      const browser = newBrowser(t);
      await browser.submit(SIGN_IN, { uid_field: 'erin', password: 'erin-password' });
      const res = await browser.get(`${SIGN_IN}?next=${encodeURIComponent('/application/o/x/')}`);
      assert.equal(res.statusCode, 303);
      assert.equal(res.headers.location, '/application/o/x/');
    });

    it('rehashes a password made with older argon2 parameters at sign-in', async () => {
      const legacy = await insertUser(t.db, {
        username: 'legacy',
        passwordHash: legacyArgon2Hash('legacy-password'),
      });
      const res = await newBrowser(t).submit(SIGN_IN, { uid_field: 'legacy', password: 'legacy-password' });
      assert.equal(res.statusCode, 303);
      const stored = await findPasswordHash(t.db, legacy.id);
      assert.match(String(stored), /^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
      assert.equal((await verifyPassword(stored ?? null, 'legacy-password')).ok, true);
    });

    it('answers every kind of failure with the same page and message', async () => {
      await insertUserWithPassword(t, user('frank'), 'frank-password');
      await insertUserWithPassword(t, { ...user('inactive'), isActive: false }, 'inactive-password');
      await insertUser(t.db, { ...user('nopassword'), passwordHash: null });
      await insertUserWithPassword(t, { ...user('robot'), type: 'service_account' }, 'robot-password');
      const bodies = new Set<string>();
      for (const [id, password] of [
        ['frank', 'wrong-password'],
        ['nobody', 'frank-password'],
        ['nobody@example.com', 'frank-password'],
        ['inactive', 'inactive-password'],
        ['nopassword', ''],
        ['nopassword', 'anything'],
        ['robot', 'robot-password'],
        ['', ''],
      ] as const) {
        const browser = newBrowser(t);
        const res = await browser.submit(SIGN_IN, { uid_field: id, password });
        assert.equal(res.statusCode, 200, id);
        assert.ok(res.body.includes(GENERIC), `${id}: generic message`);
        assert.equal(sessionCookieLine(res.headers), undefined);
        assert.equal(await whoAmI(browser), undefined);
        bodies.add(res.body.replace(/value="[^"]*"/g, ''));
      }
      assert.equal(bodies.size, 1, 'the pages differ only in echoed values');
    });

    it('locks a username after repeated failures, even for the right password, with Retry-After', async () => {
      await insertUserWithPassword(t, user('grace'), 'grace-password');
      for (let i = 0; i < USERNAME_LIMIT; i++) {
        // Each guess from another address: the username's own count is what locks it.
        const res = await newBrowser(t).submit(SIGN_IN, { uid_field: 'grace', password: `guess-${i}` });
        assert.equal(res.statusCode, 200);
      }
      const browser = newBrowser(t);
      const res = await browser.submit(SIGN_IN, { uid_field: 'grace', password: 'grace-password' });
      assert.equal(res.statusCode, 429);
      assert.equal(res.headers['retry-after'], '30');
      assert.ok(res.body.includes(GENERIC));
      assert.match(res.body, /try again later/);
      assert.equal(sessionCookieLine(res.headers), undefined);
      assert.equal(await whoAmI(browser), undefined);
    });

    it('counts guesses by username and by email against one budget', async () => {
      await insertUserWithPassword(t, user('heidi'), 'heidi-password');
      for (const id of ['heidi', 'heidi@example.com', 'HEIDI@example.com']) {
        await newBrowser(t).submit(SIGN_IN, { uid_field: id, password: 'wrong' });
      }
      const res = await newBrowser(t).submit(SIGN_IN, { uid_field: 'heidi', password: 'heidi-password' });
      assert.equal(res.statusCode, 429);
    });

    it('locks a client address that tries many usernames, and only that address', async () => {
      await insertUserWithPassword(t, user('ivan'), 'ivan-password');
      const browser = newBrowser(t);
      for (let i = 0; i < ADDRESS_LIMIT; i++) {
        const res = await browser.submit(SIGN_IN, { uid_field: `spray${i}`, password: 'x' });
        assert.equal(res.statusCode, 200);
      }
      const res = await browser.submit(SIGN_IN, { uid_field: 'ivan', password: 'ivan-password' });
      assert.equal(res.statusCode, 429);
      assert.ok(Number(res.headers['retry-after']) > 0);
      assert.equal(await whoAmI(browser), undefined);
      const elsewhere = newBrowser(t);
      const ok = await elsewhere.submit(SIGN_IN, { uid_field: 'ivan', password: 'ivan-password' });
      assert.equal(ok.statusCode, 303);
    });

    it('counts an IPv6 client by its /64', async () => {
      const prefix = '2001:db8:0:7';
      for (let i = 0; i < ADDRESS_LIMIT; i++) {
        const browser = new BrowserSession(t.app, { 'x-forwarded-for': `${prefix}::${i + 1}` });
        await browser.submit(SIGN_IN, { uid_field: `v6spray${i}`, password: 'x' });
      }
      const next = new BrowserSession(t.app, { 'x-forwarded-for': `${prefix}:ffff::99` });
      const res = await next.submit(SIGN_IN, { uid_field: 'v6other', password: 'x' });
      assert.equal(res.statusCode, 429);
    });

    it('refuses a missing or forged CSRF token with 403', async () => {
      await insertUserWithPassword(t, user('judy'), 'judy-password');
      const browser = newBrowser(t);
      await browser.get(SIGN_IN);
      const real = browser.cookies.get('palisade_csrf') ?? '';
      for (const csrf of [undefined, '', 'forged.token', `${real}x`]) {
        const fields = { uid_field: 'judy', password: 'judy-password' };
        const res = await browser.post(
          SIGN_IN,
          csrf === undefined ? fields : { ...fields, csrf_token: csrf },
        );
        assert.equal(res.statusCode, 403, String(csrf));
      }
      // A token from another browser does not match this browser's cookie.
      const other = newBrowser(t);
      await other.get(SIGN_IN);
      const res = await browser.post(SIGN_IN, {
        csrf_token: other.cookies.get('palisade_csrf') ?? '',
        uid_field: 'judy',
        password: 'judy-password',
      });
      assert.equal(res.statusCode, 403);
      assert.equal(await whoAmI(browser), undefined);
    });

    it('never redirects off-site after sign-in', async () => {
      await insertUserWithPassword(t, user('mallory'), 'mallory-password');
      for (const next of [
        '//evil.example/',
        'https://evil.example/',
        '/\\evil.example',
        '\\\\evil.example',
        'javascript:alert(1)',
        '/\tfoo',
        ' //evil.example',
        'evil.example',
      ]) {
        const url = `${SIGN_IN}?next=${encodeURIComponent(next)}`;
        const page = await newBrowser(t).get(url);
        assert.ok(!page.body.includes('evil.example'), `${next}: not echoed in the form`);
        const res = await newBrowser(t).submit(url, { uid_field: 'mallory', password: 'mallory-password' });
        assert.equal(res.statusCode, 303);
        assert.equal(res.headers.location, '/', next);
      }
    });
  });
}
