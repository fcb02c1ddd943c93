import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { MAX_PASSWORD_LENGTH, verifyPassword } from '../../src/identity/passwords.ts';
import { findPasswordHash, findUserByUsername } from '../../src/identity/users-repository.ts';
import type { TestApp } from '../support/app.ts';
import { testBackends } from '../support/databases.ts';
import { createFlowApp, newBrowser, SETUP, SIGN_IN, sessionCookieLine, whoAmI } from './flow-app.ts';

async function isSetupOpen(t: TestApp): Promise<boolean> {
  return (await findUserByUsername(t.db, 'akadmin'))?.hasUsablePassword === false;
}

async function adminPasswordIs(t: TestApp, password: string): Promise<boolean> {
  const admin = await findUserByUsername(t.db, 'akadmin');
  return (await verifyPassword((await findPasswordHash(t.db, admin?.id ?? 0)) ?? null, password)).ok;
}

for (const backend of testBackends()) {
  describe(`initial setup on ${backend.name}`, () => {
    describe('while akadmin has no password', () => {
      let t: TestApp;
      before(async () => {
        t = await createFlowApp(backend);
      });
      after(() => t.close());

      it('sends the first visitor of / to the setup page', async () => {
        const res = await newBrowser(t).get('/');
        assert.equal(res.statusCode, 302);
        assert.equal(res.headers.location, SETUP);
      });

      it('shows the form for akadmin', async () => {
        const res = await newBrowser(t).get(SETUP);
        assert.equal(res.statusCode, 200);
        assert.match(res.body, /akadmin/);
        for (const name of ['csrf_token', 'email', 'password', 'password_repeat']) {
          assert.match(res.body, new RegExp(`name="${name}"`), name);
        }
      });

      it('refuses a submission with a missing or forged CSRF token', async () => {
        const browser = newBrowser(t);
        await browser.get(SETUP);
        for (const csrf of [undefined, '', 'forged.token', `${browser.cookies.get('palisade_csrf')}x`]) {
          const fields = { email: 'a@example.com', password: 'long-enough', password_repeat: 'long-enough' };
          const res = await browser.post(
            SETUP,
            csrf === undefined ? fields : { ...fields, csrf_token: csrf },
          );
          assert.equal(res.statusCode, 403, String(csrf));
          assert.equal(sessionCookieLine(res.headers), undefined);
        }
        assert.equal(await whoAmI(browser), undefined);
        assert.equal(await isSetupOpen(t), true);
      });

      it('checks the email, the password length and the repetition', async () => {
        const browser = newBrowser(t);
        const long = 'x'.repeat(MAX_PASSWORD_LENGTH + 1);
        const cases = [
          [{ email: 'not-an-email', password: 'long-enough', password_repeat: 'long-enough' }, 'valid email'],
          [{ email: 'a@example.com', password: 'short7!', password_repeat: 'short7!' }, 'at least 8'],
          [{ email: 'a@example.com', password: long, password_repeat: long }, 'too long'],
          [
            { email: 'a@example.com', password: 'long-enough', password_repeat: 'different1' },
            'do not match',
          ],
        ] as const;
        for (const [fields, message] of cases) {
          const res = await browser.submit(SETUP, fields);
          assert.equal(res.statusCode, 400, message);
          assert.ok(res.body.includes(message), message);
        }
        assert.equal(await isSetupOpen(t), true);
      });

      it('sets email and password, signs in with a safe cookie and lands on /', async () => {
        const browser = newBrowser(t);
        const res = await browser.submit(SETUP, {
          email: 'admin@example.com',
          password: 'first-password',
          password_repeat: 'first-password',
        });
        assert.equal(res.statusCode, 303);
        assert.equal(res.headers.location, '/');
        const cookie = String(sessionCookieLine(res.headers));
        assert.match(cookie, /; HttpOnly/);
        assert.match(cookie, /; SameSite=Lax/);
        assert.match(cookie, /; Path=\//);
        assert.match(cookie, new RegExp(`; Max-Age=${t.ctx.config.session.max_age_seconds}`));
        assert.doesNotMatch(cookie, /Secure/, 'plain http: no Secure flag');
        assert.equal(await whoAmI(browser), 'akadmin');
        const home = await browser.get('/');
        assert.equal(home.statusCode, 200);
        assert.match(home.body, /Signed in as\s+<strong id="username">akadmin<\/strong>/);
        assert.match(
          home.body,
          /<a href="\/if\/admin\/">Open the admin interface<\/a>/,
          'a way on to the console',
        );
        assert.equal((await findUserByUsername(t.db, 'akadmin'))?.email, 'admin@example.com');
      });

      it('is closed afterwards: a page linking to sign-in, and a 403 for a submission', async () => {
        const late = newBrowser(t);
        const page = await late.get(SETUP);
        assert.equal(page.statusCode, 200);
        assert.match(page.body, /Setup is complete/);
        assert.match(page.body, new RegExp(`href="${SIGN_IN}"`));
        assert.doesNotMatch(page.body, /name="password"/);
        const csrf = /name="csrf_token" value="([^"]+)"/.exec((await late.get(SIGN_IN)).body)?.[1] ?? '';
        const again = await late.post(SETUP, {
          csrf_token: csrf,
          email: 'evil@example.com',
          password: 'taken-over!',
          password_repeat: 'taken-over!',
        });
        assert.equal(again.statusCode, 403);
        assert.equal(sessionCookieLine(again.headers), undefined);
        assert.equal(await whoAmI(late), undefined);
        assert.equal(await adminPasswordIs(t, 'first-password'), true);
      });

      it('sends / to sign-in once setup is done', async () => {
        const res = await newBrowser(t).get('/');
        assert.equal(res.statusCode, 302);
        assert.equal(res.headers.location, `${SIGN_IN}?next=%2F`);
      });

      it('lets akadmin sign in by username and by email with the new password', async () => {
        for (const id of ['akadmin', 'admin@example.com', 'ADMIN@example.com']) {
          const browser = newBrowser(t);
          const res = await browser.submit(SIGN_IN, { uid_field: id, password: 'first-password' });
          assert.equal(res.statusCode, 303, id);
          assert.equal(await whoAmI(browser), 'akadmin', id);
        }
      });
    });

    describe('two submissions racing each other', () => {
      let t: TestApp;
      before(async () => {
        t = await createFlowApp(backend);
      });
      after(() => t.close());

      it('lets exactly one of them set the password', async () => {
        const browsers = [newBrowser(t), newBrowser(t), newBrowser(t)];
        const tokens = await Promise.all(
          browsers.map(async (b) => /name="csrf_token" value="([^"]+)"/.exec((await b.get(SETUP)).body)?.[1]),
        );
        const results = await Promise.all(
          browsers.map((browser, i) =>
            browser.post(SETUP, {
              csrf_token: tokens[i] ?? '',
              email: `racer${i}@example.com`,
              password: `racer-${i}-password`,
              password_repeat: `racer-${i}-password`,
            }),
          ),
        );
        const winners = results.flatMap((res, i) => (res.statusCode === 303 ? [i] : []));
        assert.equal(winners.length, 1, `statuses ${results.map((r) => r.statusCode).join(',')}`);
        for (const res of results) if (res.statusCode !== 303) assert.equal(res.statusCode, 403);
        const winner = winners[0] ?? -1;
        for (const [i, browser] of browsers.entries()) {
          assert.equal(await adminPasswordIs(t, `racer-${i}-password`), i === winner);
          assert.equal(await whoAmI(browser), i === winner ? 'akadmin' : undefined);
        }
        assert.equal((await findUserByUsername(t.db, 'akadmin'))?.email, `racer${winner}@example.com`);
      });
    });
  });
}
