/**
 * One forward-auth comparison through a real proxy (nginx or Caddy), shared by both cases: the same proxy
 * configuration in front of three auth servers, run side by side in one run:
 *   ceiling: the proxy answers the check itself (nginx in its auth location, Caddy from a site of its own);
 *   floor:   servers/bare-http.ts, a node:http server doing no work (the best any Node.js server can do);
 *   outpost: the Palisade outpost (`palisade outpost`), checking a real session cookie.
 * Each with a signed-in session (200 and identity headers) and without one (the 401 path). Then the
 * outpost alone at a fixed rate of half its measured maximum, for its latency under a steady load.
 */
import { type BenchSettings, type CaseReport, fixed, markdownTable } from './bench-case.ts';
import { type BareHttp, startBareHttp } from './bare-http.ts';
import { type PalisadeStack, startPalisadeStack } from './palisade-stack.ts';
import {
  atFixedRate,
  checkTargets,
  type LoadTarget,
  sideBySide,
  type TargetFigures,
} from './side-by-side.ts';

/** The application's host, as clients send it. */
export const APP_HOST = 'app.bench.test';

/** Where each auth server is behind the proxy. */
export interface ProxyFront {
  ceilingUrl: string;
  floorUrl: string;
  outpostUrl: string;
  stop(): Promise<void>;
}

/** Starts the proxy in front of the floor and the outpost (on loopback ports). */
export type StartFront = (ports: { floor: number; outpost: number }) => Promise<ProxyFront>;

/** Runs the comparison for one proxy. */
export async function compareForwardAuth(
  proxy: string,
  startFront: StartFront,
  settings: BenchSettings,
  /** How the outpost answers a request without a session: nginx's 401, or Caddy's redirect to sign in. */
  signedOut: { label: string; expect: LoadTarget['expect'] } = {
    label: 'no session (401)',
    expect: 'refused',
  },
): Promise<CaseReport> {
  let floor: BareHttp | undefined;
  let palisade: PalisadeStack | undefined;
  let front: ProxyFront | undefined;
  try {
    floor = await startBareHttp('auth');
    palisade = await startPalisadeStack({
      apps: [{ slug: 'app', externalHost: `http://${APP_HOST}`, mode: 'forward_single' }],
    });
    front = await startFront({ floor: floor.port, outpost: palisade.outpost.port });
    const sessions: Array<{ label: string; headers: Record<string, string>; expect: LoadTarget['expect'] }> =
      [
        { label: 'signed in', headers: { Host: APP_HOST, Cookie: palisade.cookie }, expect: 'ok' },
        { headers: { Host: APP_HOST }, ...signedOut },
      ];
    const results: Array<{ session: string; figures: TargetFigures[] }> = [];
    for (const session of sessions) {
      const targets: LoadTarget[] = [
        { name: `${proxy} answers (ceiling)`, url: front.ceilingUrl, ...session },
        { name: 'bare node:http (floor)', url: front.floorUrl, ...session },
        { name: 'Palisade outpost', url: front.outpostUrl, ...session },
      ];
      await checkTargets(targets, (target, res) =>
        target.name === 'Palisade outpost' &&
        target.expect === 'ok' &&
        res.headers.get('x-bench-user') !== 'bench'
          ? `the outpost's username did not reach the proxy (X-Bench-User: ${res.headers.get('x-bench-user')})`
          : undefined,
      );
      settings.log(`${proxy}: ${session.label}`);
      results.push({ session: session.label, figures: await sideBySide(targets, settings) });
    }
    // Half the outpost's measured maximum with a session, the floor alongside at the same rate.
    const rate = Math.max(1, Math.round((results[0]?.figures[2]?.perSecond ?? 0) / 2));
    const signedIn = { ...sessions[0], expect: 'ok' as const };
    const steady = [
      await atFixedRate({ ...signedIn, name: 'bare node:http (floor)', url: front.floorUrl }, rate, settings),
      await atFixedRate({ ...signedIn, name: 'Palisade outpost', url: front.outpostUrl }, rate, settings),
    ];
    return report(proxy, results, steady, rate, settings);
  } finally {
    await front?.stop();
    await palisade?.close();
    await floor?.stop();
  }
}

const ratioOf = (figures: TargetFigures[]) => (figures[2]?.perSecond ?? 0) / (figures[1]?.perSecond || 1);

function report(
  proxy: string,
  results: Array<{ session: string; figures: TargetFigures[] }>,
  steady: TargetFigures[],
  rate: number,
  settings: BenchSettings,
): CaseReport {
  const rows = results.flatMap(({ session, figures }) =>
    figures.map((f) => [
      session,
      f.name,
      fixed(f.perSecond, 0),
      fixed(f.perSecond / (figures[1]?.perSecond || 1)),
      fixed(f.p50Ms),
      fixed(f.p99Ms),
      f.wrong,
    ]),
  );
  const steadyRows = steady.map((f) => {
    const run = f.runs[0];
    return [
      f.name,
      rate,
      fixed(f.perSecond, 0),
      fixed(f.p50Ms),
      fixed(f.p99Ms),
      fixed(run?.latencyMs.p999 ?? 0),
      `${run?.late?.count ?? 0} (${fixed(run?.late?.maxMs ?? 0, 1)} ms)`,
      f.wrong,
    ];
  });
  const signedInRatio = ratioOf(results[0]?.figures ?? []);
  const refusedRatio = ratioOf(results[1]?.figures ?? []);
  const steadyP99 = steady[1]?.p99Ms ?? 0;
  return {
    title: `Forward auth through ${proxy}`,
    table: `${markdownTable(
      ['session', 'auth server', 'req/s', 'ratio to floor', 'p50 ms', 'p99 ms', 'wrong answers'],
      rows,
    )}\n\nAt a fixed rate of half the outpost's maximum (signed in):\n\n${markdownTable(
      [
        'auth server',
        'target req/s',
        'achieved req/s',
        'p50 ms',
        'p99 ms',
        'p99.9 ms',
        'late sends (worst)',
        'wrong',
      ],
      steadyRows,
    )}`,
    notes: [
      `wrk, ${settings.connections} connections, 1 thread, ${settings.seconds} s a run, ${settings.rounds} interleaved rounds (req/s: mean of rounds; percentiles: median of rounds).`,
      `The ${proxy} route serves a fixed answer after the auth check, so the check is all that differs between rows.`,
      'Fixed rate: wrk paced by a Lua delay() schedule (see packages/bench/src/wrk.ts).',
    ],
    targets: [
      { target: 'outpost/floor ≥ 0.8 signed in', measured: fixed(signedInRatio), met: signedInRatio >= 0.8 },
      {
        target: `outpost/floor ≥ 0.6, ${results[1]?.session ?? 'no session'}`,
        measured: fixed(refusedRatio),
        met: refusedRatio >= 0.6,
      },
      {
        target: `outpost p99 < 5 ms at half its maximum (${rate}/s)`,
        measured: `${fixed(steadyP99)} ms`,
        met: steadyP99 < 5 && (steady[1]?.wrong ?? 1) === 0,
      },
    ],
    data: { results, steady: { rate, figures: steady } },
  };
}
