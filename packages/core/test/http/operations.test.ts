import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ERROR_CODES } from '@palisade/schema/errors';
import { createTestApp, type TestApp } from '../support/app.ts';
import { assertContract } from '../support/contract.ts';
import { testBackends } from '../support/databases.ts';

for (const backend of testBackends()) {
  describe(`operations on ${backend.name}`, () => {
    let t: TestApp;
    before(async () => {
      t = await createTestApp(backend);
    });
    after(async () => t.close());

    it('answers liveness and readiness', async () => {
      assert.equal((await t.app.inject({ url: '/-/health/live/' })).statusCode, 204);
      assert.equal((await t.app.inject({ url: '/-/health/ready/' })).statusCode, 204);
    });

    it('is not ready while a migration is missing', async () => {
      await t.db.query('DELETE FROM palisade_migrations WHERE version = 1');
      try {
        const res = await t.app.inject({ url: '/-/health/ready/' });
        assert.equal(res.statusCode, 503);
        assert.equal(res.json().code, 'unavailable');
      } finally {
        await t.db.query("INSERT INTO palisade_migrations (version, name) VALUES (1, 'identity')");
      }
    });

    it('echoes a safe incoming request id and makes one up otherwise', async () => {
      const kept = await t.app.inject({ url: '/-/health/live/', headers: { 'x-request-id': 'abc-123' } });
      assert.equal(kept.headers['x-request-id'], 'abc-123');
      const replaced = await t.app.inject({
        url: '/-/health/live/',
        headers: { 'x-request-id': 'bad id\nwith newline' },
      });
      assert.match(String(replaced.headers['x-request-id']), /^[0-9a-f-]{36}$/);
    });

    it('serves the root config publicly, in the contract shape', async () => {
      const res = await t.app.inject({ url: '/api/v3/root/config/' });
      assertContract('GET', '/api/v3/root/config/', res);
      assert.equal(res.statusCode, 200);
    });

    it('serves the version to superusers only', async () => {
      const anonymous = await t.app.inject({ url: '/api/v3/admin/version/' });
      assertContract('GET', '/api/v3/admin/version/', anonymous);
      assert.equal(anonymous.statusCode, 403);
      const res = await t.app.inject({ url: '/api/v3/admin/version/', headers: t.adminHeaders });
      assertContract('GET', '/api/v3/admin/version/', res);
      assert.equal(res.json().version_current, t.ctx.version);
    });

    it('serves an OpenAPI document listing the API routes', async () => {
      const res = await t.app.inject({ url: '/api/v3/schema/' });
      assert.equal(res.statusCode, 200);
      const doc = res.json();
      assert.equal(doc.openapi, '3.1.0');
      for (const path of [
        '/core/users/',
        '/core/users/{id}/',
        '/core/groups/',
        '/core/tokens/{identifier}/view_key/',
        '/root/config/',
      ]) {
        assert.ok(doc.paths[path], `${path} is documented`);
      }
    });

    it('answers unknown paths with a 404 in the error shape, never an HTML page', async () => {
      const res = await t.app.inject({ url: '/api/v3/no/such/thing/', headers: t.adminHeaders });
      assert.equal(res.statusCode, 404);
      assert.equal(res.json().code, 'not_found');
    });
  });
}

describe('error registry', () => {
  it('documents every error code in docs/api.md', async () => {
    const doc = await readFile(join(import.meta.dirname, '..', '..', '..', '..', 'docs', 'api.md'), 'utf8');
    for (const [code, { status }] of Object.entries(ERROR_CODES)) {
      assert.match(
        doc,
        new RegExp(`\\| \`${code}\` \\| ${status} \\|`),
        `${code} is documented with status ${status}`,
      );
    }
  });
});
