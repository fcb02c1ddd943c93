/**
 * The benchmark harness itself (not the figures): the percentile math and the wrk report parser on known
 * inputs, wrk really running the generated Lua (both modes), and one case end to end for a second a run.
 * No timing is asserted: the figures are what `npm run bench` is for.
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { forwardAuthNginx } from '../src/cases/forward-auth-nginx.ts';
import { median, quantile, summarize } from '../src/stats.ts';
import { parseWrkOutput, runWrk, WRK_JSON_MARKER, wrkScript } from '../src/wrk.ts';

describe('percentiles', () => {
  it('uses the nearest rank: the smallest sample with at least q·n at or below it', () => {
    assert.equal(quantile([1, 2, 3, 4], 0.5), 2);
    const hundred = Array.from({ length: 100 }, (_, i) => i + 1);
    assert.equal(quantile(hundred, 0.99), 99);
    assert.equal(quantile(hundred, 0.5), 50);
    assert.equal(quantile(hundred, 1), 100);
    assert.equal(quantile(hundred, 0), 1);
    assert.equal(quantile([7], 0.99), 7);
    assert.equal(quantile([], 0.5), 0);
  });

  it('sorts before picking, and reports the maximum', () => {
    assert.deepEqual(summarize([5, 1, 4, 2, 3]), { p50: 3, p99: 5, max: 5, count: 5 });
    assert.equal(median([9, 1, 5]), 5);
  });
});

describe('wrk report', () => {
  const line = `${WRK_JSON_MARKER}{"requests":5000,"duration_us":2000000,"errors":{"connect":0,"read":1,"write":0,"status":7,"timeout":2},"latency_us":{"mean":812.5,"p50":640,"p90":1500,"p99":4200,"p999":9000,"max":12000},"late":3,"late_max_ms":1.250}`;

  it('reads the done hook line among wrk output, in milliseconds and per second', () => {
    const result = parseWrkOutput(`Running 2s test @ http://127.0.0.1/\n${line}\nRequests/sec: 2500\n`);
    assert.equal(result.requests, 5000);
    assert.equal(result.seconds, 2);
    assert.equal(result.perSecond, 2500);
    assert.deepEqual(result.errors, { connect: 0, read: 1, write: 0, status: 7, timeout: 2 });
    assert.deepEqual(result.latencyMs, { mean: 0.8125, p50: 0.64, p90: 1.5, p99: 4.2, p999: 9, max: 12 });
    assert.equal(result.late, undefined, 'lateness only in fixed-rate mode');
    assert.deepEqual(parseWrkOutput(line, 3000).late, { count: 3, maxMs: 1.25 });
  });

  it('says so when wrk printed no report', () => {
    assert.throws(() => parseWrkOutput('unable to connect to 127.0.0.1:1 Connection refused'), /no report/);
  });

  it('paces by a delay() schedule only in fixed-rate mode, one slot per threads/rate', () => {
    assert.doesNotMatch(wrkScript({ threads: 1 }), /function delay/);
    const paced = wrkScript({ threads: 2, rate: 4000 });
    assert.match(paced, /function delay\(\)/);
    assert.match(paced, /local interval = 0\.5\n/);
  });
});

describe('wrk, for real', () => {
  let server: Server;
  let url = '';
  before(async () => {
    server = createServer((_req, res) => res.end('ok'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/`;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('runs the generated script in both modes and its report parses', async () => {
    const open = await runWrk({ url, seconds: 1, connections: 2 });
    assert.ok(open.requests > 0);
    assert.equal(open.errors.status, 0);
    const paced = await runWrk({ url, seconds: 1, connections: 2, rate: 200 });
    assert.ok(paced.requests > 0);
    assert.equal(paced.targetRate, 200);
    assert.ok(paced.late !== undefined && paced.late.count >= 0);
  });
});

describe('one case, end to end', () => {
  it('runs forward auth through nginx for a second a run and reports every row with right answers', async () => {
    const report = await forwardAuthNginx.run({ seconds: 1, rounds: 1, connections: 4, log: () => {} });
    const { results, steady } = report.data as {
      results: Array<{ session: string; figures: Array<{ name: string; requests: number; wrong: number }> }>;
      steady: { figures: Array<{ requests: number; wrong: number }> };
    };
    assert.deepEqual(
      results.map((r) => r.session),
      ['signed in', 'no session (401)'],
    );
    for (const { figures } of results) {
      assert.deepEqual(
        figures.map((f) => f.name),
        ['nginx answers (ceiling)', 'bare node:http (floor)', 'Palisade outpost'],
      );
      for (const f of figures) {
        assert.ok(f.requests > 0, `${f.name} answered`);
        assert.equal(f.wrong, 0, `${f.name}: every answer of the expected kind`);
      }
    }
    for (const f of steady.figures) assert.equal(f.wrong, 0);
    assert.equal(report.targets.length, 3);
    assert.match(report.table, /\| signed in \| Palisade outpost \|/);
  });
});
