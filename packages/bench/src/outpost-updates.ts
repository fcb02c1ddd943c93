/**
 * How long an API change takes to reach connected outposts: a PATCH of an OAuth2 provider served by one
 * outpost with `instances` connected instances, timed from the moment the request is sent to the moment each
 * instance receives TRIGGER_UPDATE (HTTP handling, the write's commit, NOTIFY, LISTEN and the fan-out). Rounds
 * run one after another, each waiting for every instance; a few warm-up rounds are not counted.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '@palisade/core/config/load';
import { startServer } from '@palisade/core/server';
import { OutpostInstruction } from '@palisade/schema';
import { summarize } from './stats.ts';
// The outposts API is not there yet: the tests' fixtures make the outpost, its account and token.
import { createServerTestDatabaseUrl } from '../../core/test/support/databases.ts';
import { connectInstance, insertTestOutpost, outpostSocketUrl } from '../../core/test/support/outposts.ts';

/** Latencies of one run, in milliseconds, over every (instance, round) pair. */
export interface UpdateLatency {
  name: string;
  instances: number;
  rounds: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

/** Runs the measurement on the embedded database, or on a new database of the server at `postgresUrl`. */
export async function measureOutpostUpdates(options: {
  instances: number;
  rounds: number;
  postgresUrl?: string;
}): Promise<UpdateLatency> {
  const dataDir = await mkdtemp(join(tmpdir(), 'palisade-bench-hub-'));
  const database = options.postgresUrl ? await createServerTestDatabaseUrl(options.postgresUrl) : undefined;
  const token = randomBytes(24).toString('hex');
  const server = await startServer(
    loadConfig({
      env: {
        PALISADE_DATA_DIR: dataDir,
        PALISADE_LISTEN__HTTP: '127.0.0.1:0',
        PALISADE_LISTEN__METRICS: '',
        PALISADE_LOG_LEVEL: 'silent',
        PALISADE_BOOTSTRAP_TOKEN: token,
        ...(database ? { PALISADE_DATABASE_URL: database.url } : {}),
      },
    }),
  );
  const sockets: Awaited<ReturnType<typeof connectInstance>>[] = [];
  try {
    const address = server.app.server.address();
    const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    const api = (method: string, path: string, body?: unknown) =>
      fetch(`${url}/api/v3${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    const flows = (await (await api('GET', '/flows/instances/?page_size=100')).json()) as {
      results: Array<{ slug: string; pk: string }>;
    };
    const flow = (slug: string) => flows.results.find((f) => f.slug === slug)?.pk;
    const created = await api('POST', '/providers/oauth2/', {
      name: 'bench',
      authorization_flow: flow('default-provider-authorization-implicit-consent'),
      invalidation_flow: flow('default-invalidation-flow'),
      redirect_uris: [{ matching_mode: 'strict', url: 'https://bench.example.com/cb' }],
    });
    if (created.status !== 201) throw new Error(`provider not created: ${await created.text()}`);
    const provider = ((await created.json()) as { pk: number }).pk;
    const outpost = await insertTestOutpost(server.ctx.db, server.ctx.box, 'bench', [provider]);
    for (let i = 0; i < options.instances; i++) {
      const socket = await connectInstance(outpostSocketUrl(url, outpost.uuid, `bench-${i}`), {
        authorization: `Bearer ${outpost.token}`,
      });
      sockets.push(socket);
    }
    const latencies: number[] = [];
    // The first rounds warm up the JIT and the connections; they are not counted.
    const warmup = 5;
    for (let round = 1; round <= warmup + options.rounds; round++) {
      const started = performance.now();
      const arrivals = sockets.map((s) =>
        s.waitFor(() => s.count(OutpostInstruction.TRIGGER_UPDATE) >= round).then(() => performance.now()),
      );
      const res = await api('PATCH', `/providers/oauth2/${provider}/`, { name: `bench ${round}` });
      if (res.status !== 200) throw new Error(`PATCH answered ${res.status}`);
      await res.arrayBuffer();
      const times = await Promise.all(arrivals);
      if (round > warmup) for (const at of times) latencies.push(at - started);
    }
    const { p50, p99, max } = summarize(latencies);
    return {
      name: database ? 'PostgreSQL server' : 'embedded (PGlite)',
      instances: options.instances,
      rounds: options.rounds,
      p50Ms: p50,
      p99Ms: p99,
      maxMs: max,
    };
  } finally {
    await Promise.all(sockets.map((s) => s.close()));
    await server.close();
    await database?.drop();
    await rm(dataDir, { recursive: true, force: true });
  }
}
