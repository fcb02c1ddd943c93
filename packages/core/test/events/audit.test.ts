import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { scrubContext } from '../../src/events/audit.ts';
import { findUserByUsername } from '../../src/identity/users-repository.ts';
import type { TestApp } from '../support/app.ts';
import { testBackends } from '../support/databases.ts';
import {
  createFlowApp,
  insertUserWithPassword,
  newBrowser,
  SETUP,
  SIGN_IN,
  SIGN_OUT,
  whoAmI,
} from '../flows/flow-app.ts';

interface ListedEvent {
  action: string;
  app: string;
  client_ip: string | null;
  user: { pk?: number; username?: string; email?: string };
  context: Record<string, unknown>;
  created: string;
  expires: string;
}

/** The events the admin API lists for `action`, newest first. */
async function eventsOf(t: TestApp, action: string): Promise<ListedEvent[]> {
  const res = await t.app.inject({
    url: `/api/v3/events/events/?action=${action}&ordering=-created`,
    headers: t.adminHeaders,
  });
  assert.equal(res.statusCode, 200);
  return (res.json() as { results: ListedEvent[] }).results;
}

const DAY_MS = 86_400_000;

describe('scrubContext', () => {
  it('replaces every value under a secret-looking key, nested ones too', () => {
    assert.deepEqual(
      scrubContext({
        username: 'a',
        password: 'p',
        nested: { client_secret: 's', ok: 1, list: [{ token: 't' }] },
      }),
      {
        username: 'a',
        password: '********',
        nested: { client_secret: '********', ok: 1, list: [{ token: '********' }] },
      },
    );
  });
});

for (const backend of testBackends()) {
  describe(`sign-in events on ${backend.name}`, () => {
    let t: TestApp;
    before(async () => {
      t = await createFlowApp(backend, { PALISADE_EVENTS__RETENTION_DAYS: '7' });
    });
    after(() => t.close());

    it('records login for the initial setup and sets akadmin’s last_login', async () => {
      const res = await newBrowser(t).submit(SETUP, {
        email: 'admin@example.com',
        password: 'first-password',
        password_repeat: 'first-password',
      });
      assert.equal(res.statusCode, 303);
      assert.ok((await findUserByUsername(t.db, 'akadmin'))?.lastLogin, 'last_login is set');
      const [login] = await eventsOf(t, 'login');
      assert.equal(login?.user.username, 'akadmin');
      assert.equal(login?.context.flow, 'initial-setup');
    });

    it('records login_failed with the address and the username typed, never the password', async () => {
      await insertUserWithPassword(t, { username: 'erin', email: 'erin@example.com' }, 'erin-password');
      const browser = newBrowser(t);
      const res = await browser.submit(SIGN_IN, { uid_field: 'erin', password: 'wrong-secret-guess' });
      assert.equal(res.statusCode, 200, 'the form again, with its error');
      const [failed] = await eventsOf(t, 'login_failed');
      assert.ok(failed, 'a login_failed event');
      assert.equal(failed.app, 'authentik.events.signals');
      assert.equal(failed.context.username, 'erin');
      assert.equal(failed.context.flow, 'default-authentication-flow');
      assert.match(String(failed.client_ip), /^10\./, 'the client address (the test client plays 10.x.y.1)');
      assert.doesNotMatch(JSON.stringify(failed), /wrong-secret-guess/);
    });

    it('records login with the user, the address and the method, expiring after the configured retention', async () => {
      const browser = newBrowser(t);
      const res = await browser.submit(SIGN_IN, { uid_field: 'erin', password: 'erin-password' });
      assert.equal(res.statusCode, 303);
      const [login] = await eventsOf(t, 'login');
      assert.equal(login?.user.username, 'erin');
      assert.equal(login?.user.email, 'erin@example.com');
      assert.equal(typeof login?.user.pk, 'number');
      assert.equal(login?.context.auth_method, 'password');
      assert.match(String(login?.client_ip), /^10\./);
      assert.doesNotMatch(JSON.stringify(login), /erin-password/);
      const kept = Date.parse(login?.expires ?? '') - Date.parse(login?.created ?? '');
      assert.ok(Math.abs(kept - 7 * DAY_MS) < 60_000, `kept ${kept} ms, not 7 days`);
    });

    it('records logout when the sign-out page runs the invalidation flow', async () => {
      const browser = newBrowser(t);
      const signedIn = await browser.submit(SIGN_IN, { uid_field: 'erin', password: 'erin-password' });
      assert.equal(signedIn.statusCode, 303, signedIn.body.slice(0, 300));
      const res = await browser.submit(SIGN_OUT, {});
      assert.equal(res.statusCode, 303);
      const [logout] = await eventsOf(t, 'logout');
      assert.equal(logout?.user.username, 'erin');
      assert.equal(logout?.context.flow, 'default-invalidation-flow');
      assert.match(String(logout?.client_ip), /^10\./);
      assert.equal((await eventsOf(t, 'logout')).length, 1);
      assert.equal(await whoAmI(browser), undefined, 'the flow ended the session');
    });

    it('removes events past their retention', async () => {
      // A fresh app (its own process state) purges on its first recorded event.
      const other = await createFlowApp(backend);
      try {
        await other.db.query(
          "INSERT INTO events (action, app, expires) VALUES ('model_created', 'test', now() - interval '1 day')",
        );
        await insertUserWithPassword(other, { username: 'gail', email: 'gail@example.com' }, 'gail-password');
        await newBrowser(other).submit(SIGN_IN, { uid_field: 'gail', password: 'nope' });
        assert.deepEqual(await eventsOf(other, 'model_created'), []);
        assert.equal((await eventsOf(other, 'login_failed')).length, 1);
      } finally {
        await other.close();
      }
    });
  });
}
