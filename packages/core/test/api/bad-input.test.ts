import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { BODY_LIMIT_BYTES } from '../../src/http/app.ts';
import { createTestApp, type TestApp } from '../support/app.ts';
import { assertContract } from '../support/contract.ts';
import { testBackends } from '../support/databases.ts';

for (const backend of testBackends()) {
  describe(`bad input on ${backend.name}`, () => {
    let t: TestApp;
    before(async () => {
      t = await createTestApp(backend);
    });
    after(() => t.close());

    const send = async (method: string, url: string, payload: string, contentType = 'application/json') => {
      const res = await t.app.inject({
        method: method as 'POST',
        url,
        headers: { ...t.adminHeaders, 'content-type': contentType },
        payload,
      });
      assert.notEqual(res.statusCode, 500, `${method} ${url} ${payload.slice(0, 80)}: ${res.body}`);
      return res;
    };
    const fields = (res: { body: string }) => JSON.parse(res.body) as Record<string, unknown>;

    it('answers malformed JSON with 400 malformed_body', async () => {
      const res = await send('POST', '/api/v3/core/users/', '{"username": "x",');
      assert.equal(res.statusCode, 400);
      assert.equal(fields(res).code, 'malformed_body');
      assertContract('POST', '/api/v3/core/users/', res);
    });

    it('names the field for wrong types, unknown fields and bad formats', async () => {
      for (const [body, field] of [
        [{ username: 42, name: 'x' }, 'username'],
        [{ username: 'ok', name: 'x', is_active: 'yes' }, 'is_active'],
        [{ username: 'ok', name: 'x', admin: true }, 'admin'],
        [{ username: 'no spaces allowed', name: 'x' }, 'username'],
        [{ username: 'ok', name: 'x', email: 'not-an-email' }, 'email'],
        [{ name: 'x' }, 'username'],
      ] as const) {
        const res = await send('POST', '/api/v3/core/users/', JSON.stringify(body));
        assert.equal(res.statusCode, 400, JSON.stringify(body));
        assert.ok(Array.isArray(fields(res)[field]), `${JSON.stringify(body)} -> ${res.body}`);
        assertContract('POST', '/api/v3/core/users/', res);
      }
    });

    it('refuses oversized bodies before parsing them', async () => {
      const huge = JSON.stringify({ username: 'big', name: 'x'.repeat(BODY_LIMIT_BYTES) });
      const res = await send('POST', '/api/v3/core/users/', huge);
      assert.equal(res.statusCode, 400);
      assert.equal(fields(res).code, 'body_too_large');
    });

    it('refuses bodies that are not JSON', async () => {
      const res = await send('POST', '/api/v3/core/users/', 'username=x', 'text/plain');
      assert.equal(res.statusCode, 400);
      assert.equal(fields(res).code, 'unsupported_media_type');
    });

    it('answers bad path and query values with 400, never 500', async () => {
      for (const url of [
        '/api/v3/core/users/abc/',
        '/api/v3/core/users/99999999999999/',
        '/api/v3/core/groups/not-a-uuid/',
        '/api/v3/core/users/?page_size=100000',
        '/api/v3/core/users/?page=0',
        '/api/v3/core/users/?uuid=nope',
        '/api/v3/core/users/?is_active=maybe',
        '/api/v3/core/users/?attributes=%7Bnot-json',
        '/api/v3/core/tokens/?intent=root',
      ]) {
        const res = await t.app.inject({ url, headers: t.adminHeaders });
        assert.equal(res.statusCode, 400, `${url}: ${res.body}`);
      }
    });

    it('treats search terms as text, not SQL or patterns', async () => {
      for (const search of ["' OR 1=1 --", '%', '_', '\\']) {
        const url = `/api/v3/core/users/?search=${encodeURIComponent(search)}`;
        const res = await t.app.inject({ url, headers: t.adminHeaders });
        assert.equal(res.statusCode, 200);
        assert.equal((res.json() as { results: unknown[] }).results.length, 0, search);
      }
    });
  });
}
