import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { completeInitialSetup } from '../../src/flows/initial-setup.ts';
import { type RunningServer, startServer } from '../../src/server.ts';
import { testConfig } from '../support/app.ts';
import { OutpostFlowClient } from '../support/outpost-flow-client.ts';
import { createServerTestDatabaseUrl, POSTGRES_SKIP_REASON } from '../support/databases.ts';

/** The metric families of an exposition: name -> its sample lines. */
function families(text: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  let current = '';
  for (const line of text.split('\n')) {
    const name = /^# TYPE (\S+) /.exec(line)?.[1];
    if (name) {
      assert.ok(!out.has(name), `${name} is exposed once`);
      current = name;
      out.set(current, []);
    } else if (line && !line.startsWith('#')) out.get(current)?.push(line);
  }
  return out;
}

describe('the core metrics endpoint', () => {
  let server: RunningServer;
  let base: string;
  let metricsUrl: string;
  const scrape = async () => {
    const res = await fetch(metricsUrl);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/plain/);
    return families(await res.text());
  };

  before(async () => {
    server = await startServer(
      testConfig({ PALISADE_LISTEN__HTTP: '127.0.0.1:0', PALISADE_LISTEN__METRICS: '127.0.0.1:0' }),
    );
    const address = server.app.server.address();
    base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    assert.ok(server.metricsPort, 'the metrics port is bound');
    assert.notEqual(server.metricsPort, Number(new URL(base).port), 'metrics are on their own port');
    metricsUrl = `http://127.0.0.1:${server.metricsPort}/metrics`;
    await completeInitialSetup(server.ctx, { email: 'admin@example.com', password: 'correct horse battery' });
  });
  after(async () => server?.close());

  it("serves the core's metrics and the embedded outpost's under one endpoint, each name once", async () => {
    const metrics = await scrape();
    for (const name of [
      'palisade_http_request_duration_seconds',
      'palisade_sign_ins_total',
      'palisade_oauth2_grants_total',
      'authentik_flows_plan_time',
      'authentik_flows_execution_stage_time',
      'authentik_outposts_connected',
      'authentik_outposts_last_update',
      'palisade_outpost_instances',
      'authentik_system_tasks',
      'palisade_db_pool_connections',
      'process_cpu_user_seconds_total',
    ])
      assert.ok(metrics.has(name), `${name} is exposed`);
    // The embedded outpost runs in this process and reports through the core's endpoint.
    assert.ok(server.app.embeddedOutpost.running);
    assert.ok(metrics.has('authentik_outpost_info'), "the embedded outpost's own metrics are there");
    assert.ok(
      (metrics.get('authentik_outposts_connected') ?? []).some((l) =>
        /outpost="authentik Embedded Outpost"} 1$/.test(l),
      ),
      'the embedded outpost counts as one connected instance',
    );
  });

  it('answers 404 beside /metrics, and the core API is not served there', async () => {
    assert.equal((await fetch(`http://127.0.0.1:${server.metricsPort}/api/v3/root/config/`)).status, 404);
    assert.equal(
      (await fetch(`http://127.0.0.1:${server.metricsPort}/metrics`, { method: 'POST' })).status,
      404,
    );
  });

  it('counts sign-ins by result and reason, and times the flow and its stages', async () => {
    // A fresh attempt each time, as a script or an outpost signs in (the executor's JSON API).
    const attempt = (password: string) =>
      new OutpostFlowClient(server.app, {}).run('default-authentication-flow', 'akadmin', password);
    assert.equal((await attempt('wrong password')).ok, false);
    assert.equal((await attempt('correct horse battery')).ok, true);
    const metrics = await scrape();
    const signIns = metrics.get('palisade_sign_ins_total') ?? [];
    assert.ok(
      signIns.includes('palisade_sign_ins_total{result="failure",reason="wrong_password"} 1'),
      signIns.join('\n'),
    );
    assert.ok(signIns.includes('palisade_sign_ins_total{result="success",reason=""} 1'), signIns.join('\n'));
    const plans = metrics.get('authentik_flows_plan_time') ?? [];
    assert.ok(
      plans.some((l) => /_count\{flow_slug="default-authentication-flow"\} [1-9]/.test(l)),
      plans.join('\n'),
    );
    const stages = metrics.get('authentik_flows_execution_stage_time') ?? [];
    assert.ok(
      stages.some((l) => /_count\{stage_type="identification",method="post"\} [1-9]/.test(l)),
      stages.join('\n'),
    );
  });

  it('labels requests by route template, so random paths add no series', async () => {
    const seriesBefore = (await scrape()).get('palisade_http_request_duration_seconds')?.length ?? 0;
    for (let i = 0; i < 50; i += 1) {
      await fetch(`${base}/no/such/path/${i}-${Math.random()}`);
      await fetch(`${base}/api/v3/core/users/${i + 1000}/`, { method: 'GET' });
    }
    const lines = (await scrape()).get('palisade_http_request_duration_seconds') ?? [];
    for (const line of lines)
      assert.doesNotMatch(line, /no\/such\/path|users\/10\d\d/, 'no raw path in a label');
    assert.ok(
      lines.some((l) => l.includes('route="unmatched"')),
      'unmatched requests are labelled so',
    );
    assert.ok(
      lines.some((l) => l.includes('route="/api/v3/core/users/:id/"')),
      'routes by template',
    );
    // Two new label sets at most (unmatched 404, users/:id 403), each a fixed number of bucket lines.
    const perSet = lines.filter((l) => l.includes('route="unmatched"')).length;
    assert.ok(
      lines.length <= seriesBefore + 2 * perSet,
      `${lines.length} lines after, ${seriesBefore} before`,
    );
  });
});

describe('the core metrics endpoint on PostgreSQL', { skip: POSTGRES_SKIP_REASON }, () => {
  it("reports the connection pool's use", async () => {
    const database = await createServerTestDatabaseUrl(process.env.PALISADE_TEST_POSTGRESQL_URL ?? '');
    const server = await startServer(
      testConfig({
        PALISADE_LISTEN__HTTP: '127.0.0.1:0',
        PALISADE_LISTEN__METRICS: '127.0.0.1:0',
        PALISADE_DATABASE_URL: database.url,
      }),
    );
    try {
      const text = await (await fetch(`http://127.0.0.1:${server.metricsPort}/metrics`)).text();
      const total = /^palisade_db_pool_connections\{state="total"\} (\d+)$/m.exec(text);
      assert.ok(total && Number(total[1]) >= 1, 'the pool holds at least the connection that served startup');
      // Waiting includes the scrape's own gauge queries, so only its presence is certain.
      assert.match(text, /^palisade_db_pool_connections\{state="idle"\} \d+$/m);
      assert.match(text, /^palisade_db_pool_connections\{state="waiting"\} \d+$/m);
    } finally {
      await server.close();
      await database.drop();
    }
  });
});
