/**
 * The RADIUS case: Access-Requests (PAP, Message-Authenticator) at fixed concurrency for the same 1,000
 * users against Debian's FreeRADIUS (a `users` file, cleartext passwords) and against Palisade (the core
 * and the RADIUS outpost's server in this process), interleaved round by round: cold, with the warm cache
 * off (every request runs the authentication flow, so argon2id bounds it), and warm, with the provider's
 * `auth_cache_seconds` on and every user authenticated once before the measured run (repeats answered from
 * the cached outcome). Sign-ins per CPU-second sit beside each.
 */
import { readFile } from 'node:fs/promises';
import { MAX_RADIUS_AUTH_CACHE_SECONDS } from '@palisade/schema';
import { Registry } from 'prom-client';
import { addGroupMember } from '@palisade/core/identity/groups-repository';
import { hashPassword, verifyPassword } from '@palisade/core/identity/passwords';
import { insertUser } from '@palisade/core/identity/users-repository';
import { AuthCache } from '../../../outpost/src/radius/auth-cache.ts';
import { createRadiusMetrics } from '../../../outpost/src/radius/metrics.ts';
import { papHandler } from '../../../outpost/src/radius/pap.ts';
import { createRadiusServer } from '../../../outpost/src/radius/server.ts';
import { Throttle } from '../../../outpost/src/radius/throttle.ts';
import { startCore } from '../../../outpost/test/support/palisade-core.ts';
import { createRadiusSetup } from '../../../outpost/test/radius/support/radius-core.ts';
import { type BenchCase, type BenchSettings, type CaseReport, fixed, markdownTable } from '../bench-case.ts';
import { startFreeRadius } from '../freeradius.ts';
import { driveRadiusInWorker as driveRadius, type RadiusLoad } from '../radius-load.ts';

const SECRET = 'bench-radius-secret';
const PASSWORD = 'bench-radius-password';
const USERS = Array.from({ length: 1000 }, (_, i) => `user${String(i).padStart(4, '0')}`);
const CONCURRENCY = 16;
/**
 * The warm side's cache lifetime: the whole run, so no entry expires while it is measured. Beyond the API's
 * ceiling (MAX_RADIUS_AUTH_CACHE_SECONDS, 300): warming 1,000 users through argon2id takes longer than
 * that on a busy two-core machine. The path a hit takes does not depend on the lifetime.
 */
const WARM_CACHE_SECONDS = 3600;
/** The warm-up's requests in flight: few enough that the cold path answers each within the timeout. */
const WARM_UP_CONCURRENCY = 4;
const FREERADIUS = 'FreeRADIUS 3.2 (users file)';
const COLD = 'Palisade (flow per request, cold)';
const WARM = `Palisade (auth_cache_seconds ${WARM_CACHE_SECONDS}, warm)`;

const silent = { debug() {}, info() {}, warn() {}, error() {} };

/** CPU seconds (user + system) of process `pid` so far, from /proc. */
async function cpuSecondsOf(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

const ownCpuSeconds = () => {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1e6;
};

/** argon2id verifications of the core's parameters per CPU-second of this process: the cold bound. */
async function hashesPerCpuSecond(hash: string): Promise<number> {
  const before = ownCpuSeconds();
  const count = 20;
  for (let i = 0; i < count; i++) await verifyPassword(hash, PASSWORD);
  return count / (ownCpuSeconds() - before);
}

async function run(settings: BenchSettings): Promise<CaseReport> {
  settings.log('radius: starting FreeRADIUS and a core with 1,000 users');
  const freeradius = await startFreeRadius({ users: USERS, password: PASSWORD, secret: SECRET, threads: 2 });
  const core = await startCore();
  try {
    const setup = await createRadiusSetup(core, { slug: 'bench', secret: SECRET });
    const hash = await hashPassword(PASSWORD);
    for (const username of USERS) {
      const user = await insertUser(core.server.ctx.db, { username, passwordHash: hash });
      await addGroupMember(core.server.ctx.db, setup.groupUuid, user.id);
    }
    const bound = await hashesPerCpuSecond(hash);
    const host = new URL(`${core.origin}/`);
    // One server per side over the same core and provider; only the warm one's provider turns the cache on.
    const serve = async (authCacheSeconds: number) => {
      const metrics = createRadiusMetrics(new Registry(), () => 'bench');
      const throttle = new Throttle();
      const handle = papHandler({
        fetch: (url, init) => fetch(url, init),
        host,
        token: setup.token,
        userAgent: 'goauthentik.io/outpost/bench',
        metrics,
        throttle,
        cache: new AuthCache(),
        log: silent,
      });
      const server = createRadiusServer({ handle, metrics, throttle, log: silent });
      server.update([{ ...setup.provider, authCacheSeconds }]);
      const listener = await server.listen({ host: '127.0.0.1', port: 0 });
      // Flows the generator stopped waiting for still run: the next run must not share the CPU with them.
      const settle = async () => {
        for (let i = 0; i < 600 && throttle.inFlightOf('127.0.0.1') > 0; i++)
          await new Promise((r) => setTimeout(r, 50));
      };
      return { address: listener.address, close: (drainMs: number) => listener.close(drainMs), settle };
    };
    const cold = await serve(0);
    const warm = await serve(WARM_CACHE_SECONDS);
    const load = {
      secret: SECRET,
      users: USERS,
      password: PASSWORD,
      seconds: settings.seconds,
      concurrency: CONCURRENCY,
    };
    const runs: Array<RadiusLoad & { cpuSeconds: number; round: number }> = [];
    let warmUp: RadiusLoad | undefined;
    try {
      // Not measured: each user once through the warm side's flow, at a concurrency the cold path answers
      // within the generator's timeout, so the warm runs' requests are all repeats (the entries outlive
      // every round: WARM_CACHE_SECONDS).
      settings.log('radius: warming the cache (each user once through the flow)');
      warmUp = await driveRadius({
        ...load,
        name: 'warm-up',
        port: warm.address.port,
        seconds: 3600,
        concurrency: WARM_UP_CONCURRENCY,
        requests: USERS.length,
      });
      await warm.settle();
      const warmedAt = performance.now();
      for (let round = 1; round <= settings.rounds; round++) {
        settings.log(`radius: round ${round}`);
        const before = await cpuSecondsOf(freeradius.pid);
        const fr = await driveRadius({ ...load, name: FREERADIUS, port: freeradius.port });
        runs.push({ ...fr, cpuSeconds: (await cpuSecondsOf(freeradius.pid)) - before, round });
        let own = ownCpuSeconds();
        const palisade = await driveRadius({ ...load, name: COLD, port: cold.address.port });
        runs.push({ ...palisade, cpuSeconds: ownCpuSeconds() - own, round });
        await cold.settle();
        own = ownCpuSeconds();
        const warmRun = await driveRadius({ ...load, name: WARM, port: warm.address.port });
        runs.push({ ...warmRun, cpuSeconds: ownCpuSeconds() - own, round });
      }
      if (performance.now() - warmedAt > WARM_CACHE_SECONDS * 1000)
        settings.log('radius: the rounds outlasted the cache lifetime; late warm requests ran the flow');
    } finally {
      await cold.close(0);
      await warm.close(0);
    }
    const byName = (name: string) => runs.filter((r) => r.name === name);
    const best = (name: string) =>
      byName(name).sort((a, b) => b.perSecond - a.perSecond)[0] as (typeof runs)[number];
    const fr = best(FREERADIUS);
    const rows = [fr, best(COLD), best(WARM)].map((r) => [
      r.name,
      fixed(r.perSecond, 0),
      fixed(r.perSecond / (fr.perSecond || 1), 3),
      fixed(r.p50Ms),
      fixed(r.p99Ms),
      r.failed,
      fixed(r.cpuSeconds > 0 ? r.accepted / r.cpuSeconds : 0, 0),
    ]);
    return {
      title: `RADIUS Access-Requests, ${CONCURRENCY} in flight, 1,000 users`,
      table: markdownTable(
        [
          'server',
          'accepts/s',
          'ratio to FreeRADIUS',
          'p50 ms',
          'p99 ms',
          'failed',
          'accepts per CPU-second',
        ],
        rows,
      ),
      notes: [
        'PAP with a Message-Authenticator from a Node UDP client on loopback; every reply is checked (Response Authenticator) and must be an Access-Accept.',
        "FreeRADIUS compares cleartext passwords from its users file; Palisade runs the provider's authentication flow through the flow executor (argon2id) and check_access for every request: the cold figure is bounded by the password hash.",
        "The load generator runs in a worker thread of this process (its own event loop). Palisade's CPU-seconds are this whole process (core, outpost and the load generator); FreeRADIUS's are its own process (/proc).",
        `The bound: argon2id verification alone (the core's parameters) runs ${fixed(bound, 0)} times per CPU-second here; Palisade's accepts per CPU-second against it show the flow's own cost.`,
        `Warm: the provider's auth_cache_seconds set to ${WARM_CACHE_SECONDS} (beyond the API's ceiling of ${MAX_RADIUS_AUTH_CACHE_SECONDS}, so that no entry expires during the run: the warm-up alone can take longer than that here; a hit's path does not depend on the lifetime); before the rounds every user is authenticated once (not measured: ${warmUp?.accepted ?? 0} of ${USERS.length} accepted, ${fixed(warmUp?.seconds ?? 0, 0)} s), so its requests are repeats answered from the cached outcome (the same Access-Accept attributes) after the same packet checks, duplicate detection and throttle.`,
      ],
      targets: [
        {
          target: 'warm at least 0.5x FreeRADIUS (issue #17)',
          measured: `${fixed(best(WARM).perSecond / (fr.perSecond || 1), 3)}x`,
          met: best(WARM).perSecond >= 0.5 * fr.perSecond && best(WARM).failed === 0,
        },
      ],
      data: { runs, warmUp, concurrency: CONCURRENCY, argon2idPerCpuSecond: bound },
    };
  } finally {
    await core.close();
    await freeradius.stop();
  }
}

/** The case. */
export const radius: BenchCase = {
  name: 'radius',
  summary: 'RADIUS PAP Access-Requests/s and p99 beside FreeRADIUS, 1,000 users',
  tools: ['freeradius'],
  run,
};
