import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { hashPassword } from '../../src/identity/passwords.ts';
import { createSession } from '../../src/identity/sessions-repository.ts';
import { insertToken } from '../../src/identity/tokens-repository.ts';
import { findUserByUsername, insertUser } from '../../src/identity/users-repository.ts';
import { apiClient } from '../support/api-client.ts';
import { createTestApp, type TestApp } from '../support/app.ts';
import { BrowserSession } from '../support/browser-session.ts';
import { assertContract } from '../support/contract.ts';
import { testBackends } from '../support/databases.ts';

for (const backend of testBackends()) {
  describe(`API authentication on ${backend.name}`, () => {
    let t: TestApp;
    let userKey: string;
    before(async () => {
      t = await createTestApp(backend);
      const user = await insertUser(t.db, {
        username: 'plain',
        passwordHash: await hashPassword('plain-password'),
      });
      userKey = 'plain-user-api-token-0123456789abcdef';
      await insertToken(t.db, t.ctx.box, {
        identifier: 'plain-api',
        intent: 'api',
        userId: user.id,
        key: userKey,
        expiring: false,
      });
    });
    after(() => t.close());

    const get = async (url: string, headers: Record<string, string>) => {
      const res = await t.app.inject({ url, headers });
      assertContract('GET', url, res);
      return res;
    };

    it('answers 403 without credentials, and for malformed or unknown ones', async () => {
      const attempts: Record<string, string>[] = [
        {},
        { authorization: 'Bearer' },
        { authorization: 'Basic YWJjOmRlZg==' },
        { authorization: 'Bearer not-a-real-token' },
        { cookie: 'palisade_session=forged' },
      ];
      for (const headers of attempts) {
        const res = await get('/api/v3/core/users/', headers);
        assert.equal(res.statusCode, 403, JSON.stringify(headers));
        assert.equal(typeof (res.json() as { detail: unknown }).detail, 'string');
      }
    });

    it('lets any signed-in user read me/, and only superusers the admin API', async () => {
      const headers = { authorization: `Bearer ${userKey}` };
      assert.equal((await get('/api/v3/core/users/me/', headers)).statusCode, 200);
      for (const url of [
        '/api/v3/core/users/',
        '/api/v3/core/groups/',
        '/api/v3/core/tokens/',
        '/api/v3/admin/version/',
      ]) {
        assert.equal((await get(url, headers)).statusCode, 403, url);
      }
      const write = await apiClient(t.app, headers).post('/api/v3/core/users/', {
        username: 'sneaky',
        name: '',
      });
      assert.equal(write.statusCode, 403);
      assert.equal(await findUserByUsername(t.db, 'sneaky'), undefined);
    });

    it('accepts a session cookie, and requires the CSRF header for unsafe methods', async () => {
      const browser = new BrowserSession(t.app);
      await browser.get('/if/flow/default-authentication-flow/');
      const admin = await findUserByUsername(t.db, 'akadmin');
      assert.ok(admin);
      const { cookieValue } = await createSession(t.db, {
        userId: admin.id,
        maxAgeSeconds: 600,
        clientAddress: '',
        userAgent: 'test',
      });
      const csrf = browser.cookies.get('palisade_csrf') ?? '';
      const cookie = `palisade_session=${cookieValue}; palisade_csrf=${csrf}`;
      assert.equal((await get('/api/v3/core/users/', { cookie })).statusCode, 200);
      const body = { username: 'via-session', name: '' };
      const noHeader = await apiClient(t.app, { cookie }).post('/api/v3/core/users/', body);
      assert.equal(noHeader.statusCode, 403);
      assert.equal((noHeader.json() as { code: string }).code, 'csrf_failed');
      const wrongHeader = await apiClient(t.app, { cookie, 'x-palisade-csrf': `${csrf}x` }).post(
        '/api/v3/core/users/',
        body,
      );
      assert.equal(wrongHeader.statusCode, 403);
      const ok = await apiClient(t.app, { cookie, 'x-palisade-csrf': csrf }).post(
        '/api/v3/core/users/',
        body,
      );
      assert.equal(ok.statusCode, 201, ok.body);
    });

    it("ends a deactivated user's sessions and tokens at once", async () => {
      const user = await insertUser(t.db, { username: 'leaver' });
      const key = 'leaver-token-0123456789abcdefghij';
      await insertToken(t.db, t.ctx.box, {
        identifier: 'leaver-api',
        intent: 'api',
        userId: user.id,
        key,
        expiring: false,
      });
      const { cookieValue } = await createSession(t.db, {
        userId: user.id,
        maxAgeSeconds: 600,
        clientAddress: '',
        userAgent: 'test',
      });
      assert.equal(
        (await get('/api/v3/core/users/me/', { cookie: `palisade_session=${cookieValue}` })).statusCode,
        200,
      );
      const res = await apiClient(t.app, t.adminHeaders).patch(`/api/v3/core/users/${user.id}/`, {
        is_active: false,
      });
      assert.equal(res.statusCode, 200);
      assert.equal(
        (await get('/api/v3/core/users/me/', { cookie: `palisade_session=${cookieValue}` })).statusCode,
        403,
      );
      assert.equal((await get('/api/v3/core/users/me/', { authorization: `Bearer ${key}` })).statusCode, 403);
    });
  });
}
