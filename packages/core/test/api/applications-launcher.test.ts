import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { insertApplication } from '../../src/applications/applications-repository.ts';
import { insertToken } from '../../src/identity/tokens-repository.ts';
import { insertUser } from '../../src/identity/users-repository.ts';
import { insertBinding } from '../../src/policies/bindings-repository.ts';
import { createTestApp, type TestApp } from '../support/app.ts';
import { assertContract } from '../support/contract.ts';
import { testBackends } from '../support/databases.ts';

for (const backend of testBackends()) {
  describe(`the application list for users who are not superusers, on ${backend.name}`, () => {
    let t: TestApp;
    const headers = { authorization: 'Bearer launcher-user-token-0123456789abcdef' };
    before(async () => {
      t = await createTestApp(backend);
      const dana = await insertUser(t.db, { username: 'dana' });
      const other = await insertUser(t.db, { username: 'other' });
      await insertToken(t.db, t.ctx.box, {
        identifier: 'dana-api',
        intent: 'api',
        userId: dana.id,
        key: headers.authorization.slice(7),
        expiring: false,
      });
      await insertApplication(t.db, { name: 'Open wiki', slug: 'wiki' });
      const mine = await insertApplication(t.db, { name: 'Dana only', slug: 'mine' });
      await insertBinding(t.db, { target: mine.uuid, userId: dana.id, order: 0 });
      const theirs = await insertApplication(t.db, { name: 'Payroll', slug: 'payroll' });
      await insertBinding(t.db, { target: theirs.uuid, userId: other.id, order: 0 });
    });
    after(() => t.close());

    it('lists the applications the caller may use, and only those', async () => {
      const url = '/api/v3/core/applications/';
      const res = await t.app.inject({ url, headers });
      assertContract('GET', url, res);
      assert.equal(res.statusCode, 200, res.body);
      const slugs = (res.json() as { results: Array<{ slug: string }> }).results.map((a) => a.slug).sort();
      assert.deepEqual(slugs, ['mine', 'wiki']);
    });

    it("refuses the full list and other users' lists to them, and every change", async () => {
      for (const url of [
        '/api/v3/core/applications/?superuser_full_list=true',
        '/api/v3/core/applications/?for_user=1',
      ]) {
        const res = await t.app.inject({ url, headers });
        assert.equal(res.statusCode, 403, url);
      }
      const create = await t.app.inject({
        method: 'POST',
        url: '/api/v3/core/applications/',
        headers,
        payload: { name: 'Mine too', slug: 'mine-too' },
      });
      assert.equal(create.statusCode, 403);
    });
  });
}
