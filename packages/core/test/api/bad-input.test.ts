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

    /** `{"a":{"a":…{}}}`, `levels` objects deep, built as text (JSON.stringify would recurse as deep). */
    const nested = (levels: number) => `${'{"a":'.repeat(levels - 1)}{}${'}'.repeat(levels - 1)}`;
    const deepBodies = (levels: number) => ({
      user: `{"username":"deep${levels}","name":"x","attributes":${nested(levels - 1)}}`,
      group: `{"name":"deep${levels}","attributes":${nested(levels - 1)}}`,
      patch: `{"attributes":${nested(levels - 1)}}`,
    });

    it('refuses JSON bodies nested deeper than 64 levels with 400 nesting_too_deep, on every write', async () => {
      const user = await send('POST', '/api/v3/core/users/', '{"username":"shallow","name":"x"}');
      const group = await send('POST', '/api/v3/core/groups/', '{"name":"shallow"}');
      const userUrl = `/api/v3/core/users/${fields(user).pk}/`;
      const groupUrl = `/api/v3/core/groups/${fields(group).pk}/`;
      for (const levels of [65, 10_000]) {
        const bodies = deepBodies(levels);
        for (const [method, url, body] of [
          ['POST', '/api/v3/core/users/', bodies.user],
          ['PATCH', userUrl, bodies.patch],
          ['PUT', userUrl, bodies.user],
          ['POST', '/api/v3/core/groups/', bodies.group],
          ['PATCH', groupUrl, bodies.patch],
          ['POST', '/api/v3/core/groups/', `${'['.repeat(levels)}${']'.repeat(levels)}`],
        ] as const) {
          const res = await send(method, url, body);
          assert.equal(res.statusCode, 400, `${method} ${url} ${levels} deep: ${res.body}`);
          assert.equal(fields(res).code, 'nesting_too_deep');
          assert.deepEqual(fields(res).non_field_errors, [
            'JSON may nest objects and arrays at most 64 levels deep.',
          ]);
        }
      }
      // Brackets inside strings are text, not nesting.
      const brackets = JSON.stringify({ attributes: { note: '{'.repeat(200) + '['.repeat(200) } });
      assert.equal((await send('PATCH', userUrl, brackets)).statusCode, 200);
    });

    it('accepts and keeps attributes nested to the 64-level limit', async () => {
      const bodies = deepBodies(64);
      const user = await send('POST', '/api/v3/core/users/', bodies.user);
      assert.equal(user.statusCode, 201, user.body);
      const read = await t.app.inject({
        url: `/api/v3/core/users/${fields(user).pk}/`,
        headers: t.adminHeaders,
      });
      assert.deepEqual((read.json() as { attributes: unknown }).attributes, JSON.parse(nested(63)));
      const group = await send('POST', '/api/v3/core/groups/', bodies.group);
      assert.equal(group.statusCode, 201, group.body);
      const patched = await send('PATCH', `/api/v3/core/groups/${fields(group).pk}/`, bodies.patch);
      assert.equal(patched.statusCode, 200, patched.body);
    });

    it('refuses an attributes filter nested deeper than 64 levels', async () => {
      for (const path of ['/api/v3/core/users/', '/api/v3/core/groups/']) {
        const url = `${path}?attributes=${encodeURIComponent(nested(300).slice(0, 2000))}`;
        const res = await t.app.inject({ url, headers: t.adminHeaders });
        assert.equal(res.statusCode, 400, `${url}: ${res.body}`);
        assert.equal(fields(res).code, 'nesting_too_deep');
        assert.ok(Array.isArray(fields(res).attributes));
        const shallow = await t.app.inject({
          url: `${path}?attributes=${encodeURIComponent(nested(64))}`,
          headers: t.adminHeaders,
        });
        assert.equal(shallow.statusCode, 200, shallow.body);
      }
    });
  });
}
