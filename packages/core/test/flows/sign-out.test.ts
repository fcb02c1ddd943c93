import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { hashPassword } from '../../src/identity/passwords.ts';
import { findUserByUsername, updatePasswordHash } from '../../src/identity/users-repository.ts';
import type { TestApp } from '../support/app.ts';
import type { BrowserSession } from '../support/browser-session.ts';
import { testBackends } from '../support/databases.ts';
import { createFlowApp, insertUserWithPassword, newBrowser, SIGN_IN, SIGN_OUT, whoAmI } from './flow-app.ts';

for (const backend of testBackends()) {
  describe(`landing page and sign-out on ${backend.name}`, () => {
    let t: TestApp;
    before(async () => {
      t = await createFlowApp(backend);
      // Setup done, so / sends visitors to sign-in rather than to setup.
      const admin = await findUserByUsername(t.db, 'akadmin');
      await updatePasswordHash(t.db, admin?.id ?? 0, await hashPassword('admin-password'));
      await insertUserWithPassword(t, { username: 'alice', email: 'alice@example.com' }, 'alice-password');
      await insertUserWithPassword(t, { username: '<b>x</b>"&', email: 'odd@example.com' }, 'odd-password');
    });
    after(() => t.close());

    async function signedIn(username = 'alice', password = 'alice-password'): Promise<BrowserSession> {
      const browser = newBrowser(t);
      const res = await browser.submit(SIGN_IN, { uid_field: username, password });
      assert.equal(res.statusCode, 303);
      return browser;
    }

    it('sends a visitor who is not signed in to sign-in, returning to /', async () => {
      const res = await newBrowser(t).get('/');
      assert.equal(res.statusCode, 302);
      assert.equal(res.headers.location, `${SIGN_IN}?next=%2F`);
    });

    it('shows who is signed in, escaped, with a sign-out form', async () => {
      const browser = await signedIn('<b>x</b>"&', 'odd-password');
      const res = await browser.get('/');
      assert.equal(res.statusCode, 200);
      assert.match(
        res.body,
        /Signed in as\s+<strong id="username">&lt;b&gt;x&lt;\/b&gt;&quot;&amp;<\/strong>/,
      );
      assert.ok(!res.body.includes('<b>x</b>'));
      assert.match(res.body, new RegExp(`<form method="post" action="${SIGN_OUT}">`));
      assert.match(res.body, /<a href="\/if\/user\/">Your applications<\/a>/);
      assert.doesNotMatch(res.body, /href="\/if\/admin\/"/, 'the admin interface is for superusers');
    });

    it('asks for confirmation on GET, and sends a signed-out visitor to sign-in', async () => {
      const page = await (await signedIn()).get(SIGN_OUT);
      assert.equal(page.statusCode, 200);
      assert.match(page.body, /Sign out <strong>alice<\/strong>\?/);
      assert.match(page.body, /name="csrf_token"/);
      const anonymous = await newBrowser(t).get(SIGN_OUT);
      assert.equal(anonymous.statusCode, 303);
      assert.equal(anonymous.headers.location, SIGN_IN);
    });

    it('ends nothing on a POST without a valid CSRF token', async () => {
      const browser = await signedIn();
      for (const csrf of [undefined, 'forged.token']) {
        const res = await browser.post(SIGN_OUT, csrf === undefined ? {} : { csrf_token: csrf });
        assert.equal(res.statusCode, 403);
        assert.match(res.body, /name="csrf_token"/, 'the confirmation form is offered again');
      }
      assert.equal(await whoAmI(browser), 'alice');
    });

    it('ends the session on the server: the old cookie no longer authenticates', async () => {
      const browser = await signedIn();
      const stolen = browser.cookies.get('palisade_session');
      assert.ok(stolen);
      const res = await browser.submit(SIGN_OUT, {});
      assert.equal(res.statusCode, 303);
      assert.equal(res.headers.location, SIGN_IN);
      assert.match(String(res.headers['set-cookie']), /palisade_session=; Path=\/; SameSite=Lax; Max-Age=0/);
      assert.equal(browser.cookies.has('palisade_session'), false);
      const replay = await t.app.inject({
        url: '/api/v3/core/users/me/',
        headers: { cookie: `palisade_session=${stolen}` },
      });
      assert.equal(replay.statusCode, 403);
      const home = await t.app.inject({ url: '/', headers: { cookie: `palisade_session=${stolen}` } });
      assert.equal(home.statusCode, 302);
    });
  });
}
