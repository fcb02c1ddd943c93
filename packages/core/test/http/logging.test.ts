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
});
