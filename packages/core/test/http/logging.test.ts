import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createLogger } from '../../src/logging.ts';
import { createTestApp, type TestApp } from '../support/app.ts';
import { testBackends } from '../support/databases.ts';
import { captureLines } from '../support/log-capture.ts';

// The logger does not depend on the storage backend: one backend is enough.
const backend = testBackends()[0];

describe('request logs', () => {
  let t: TestApp;
  const out = captureLines();
  before(async () => {
    if (!backend) throw new Error('no test backend');
    t = await createTestApp(backend, {}, { logger: createLogger('debug', out.stream) });
  });
  after(() => t.close());

  it('writes JSON lines that each carry the request id echoed as X-Request-Id, and no secrets', async () => {
    const wrongKey = 'wrong-token-key-that-must-never-be-logged';
    const requests = [
      { url: '/-/health/live/', headers: { 'x-request-id': 'probe-1' } },
      { url: '/api/v3/admin/version/', headers: { authorization: `Bearer ${wrongKey}` } },
      { url: '/api/v3/admin/version/', headers: { authorization: `Bearer ${t.adminToken}` } },
    ];
    const ids: string[] = [];
    for (const request of requests) {
      const res = await t.app.inject(request);
      ids.push(String(res.headers['x-request-id']));
    }
    assert.equal(ids[0], 'probe-1');
    const lines = out.lines();
    for (const id of ids) {
      const own = lines.filter((line) => line.reqId === id);
      assert.ok(own.length >= 2, `request ${id} logged its start and end`);
      assert.ok(own.every((line) => typeof line.time === 'number' && typeof line.level === 'number'));
    }
    assert.ok(
      lines.some((line) => line.reqId === ids[1] && line.reason === 'unknown token'),
      'the rejection reason is logged for the operator',
    );
    assert.ok(!out.text().includes(wrongKey), 'a presented token is never logged');
    assert.ok(!out.text().includes(t.adminToken), 'a valid token is never logged');
  });

  it('never logs the codes, tokens, state, hints or passwords that URLs, headers and bodies carry', async () => {
    const secret = (name: string) => `${name}-secret-value-${Math.random().toString(36).slice(2)}`;
    const values = {
      code: secret('code'),
      state: secret('state'),
      hint: secret('hint'),
      token: secret('token'),
      access: secret('access'),
      refresh: secret('refresh'),
      client: secret('client'),
      password: secret('password'),
      basic: secret('basic'),
      cookie: secret('cookie'),
      nested: secret('nested'),
    };
    const requests = [
      {
        method: 'GET' as const,
        url: `/application/o/authorize/?client_id=wiki&code=${values.code}&state=${values.state}`,
      },
      { method: 'GET' as const, url: `/application/o/wiki/end-session/?id_token_hint=${values.hint}` },
      {
        method: 'GET' as const,
        url: `/outpost.goauthentik.io/start?rd=${encodeURIComponent(`https://app.test/cb?code=${values.nested}`)}`,
      },
      {
        method: 'GET' as const,
        url: `/api/v3/core/users/?token=${values.token}&access_token=${values.access}&Password=${values.password}`,
        headers: { cookie: `authentik_session=${values.cookie}` },
      },
      {
        method: 'POST' as const,
        url: `/application/o/token/?refresh_token=${values.refresh}`,
        headers: {
          authorization: `Basic ${Buffer.from(`wiki:${values.basic}`).toString('base64')}`,
          'content-type': 'application/x-www-form-urlencoded',
        },
        payload: `grant_type=password&client_secret=${values.client}&password=${values.password}`,
      },
    ];
    const before = out.lines().length;
    for (const request of requests) await t.app.inject(request);
    // A log call of a handler or the embedded outpost, with a URL and headers in its fields.
    t.app.log.warn(
      {
        location: `https://app.test/outpost.goauthentik.io/callback?X-authentik-auth-callback=true&code=${values.code}`,
        upstream: { headers: { Authorization: `Bearer ${values.token}`, cookie: values.cookie } },
        err: new Error(`fetch https://core.test/sign_out?id_token_hint=${values.hint} failed`),
      },
      'a line with secrets in its fields',
    );
    const text = out.text();
    for (const [name, value] of Object.entries(values)) assert.ok(!text.includes(value), `${name} logged`);
    const incoming = out
      .lines()
      .slice(before)
      .filter((line) => line.msg === 'incoming request')
      .map((line) => String((line.req as { url?: string }).url));
    assert.equal(incoming.length, requests.length);
    assert.equal(
      incoming[0],
      '/application/o/authorize/?client_id=wiki&code=[redacted]&state=[redacted]',
      'the path and harmless parameters stay, for the operator',
    );
    // A URL inside a parameter (rd=…) keeps its encoding, marker included.
    assert.ok(
      incoming.every((url) => /\[redacted\]|%5Bredacted%5D/.test(url)),
      incoming.join('\n'),
    );
    const warned = out.lines().find((line) => line.msg === 'a line with secrets in its fields');
    assert.match(String(warned?.location), /X-authentik-auth-callback=true&code=\[redacted\]$/);
    assert.match(JSON.stringify(warned?.err), /id_token_hint=\[redacted\]/);
  });
});
