/**
 * Side-by-side load: every target is driven in turn, round after round (A B C, A B C, …), so a machine that
 * gets busier or quieter during the run weighs on each target alike and their ratio holds.
 */
import type { BenchSettings } from './bench-case.ts';
import { median } from './stats.ts';
import { runWrk, type WrkResult } from './wrk.ts';

/** One thing to load, and the answer every request must get. */
export interface LoadTarget {
  name: string;
  url: string;
  headers?: Record<string, string>;
  /**
   * 'ok': 2xx; 'redirect': 3xx (Caddy's and Traefik's sign-in redirect); 'refused': 400 or more (the 401
   * path). Checked exactly on a first request; under load wrk only tells below 400 from 400 and more.
   */
  expect: 'ok' | 'redirect' | 'refused';
}

/** A target's figures over the rounds. */
export interface TargetFigures {
  name: string;
  /** Mean over the rounds. */
  perSecond: number;
  /** Medians over the rounds of each run's percentile. */
  p50Ms: number;
  p99Ms: number;
  requests: number;
  /** Answers of the wrong kind (an error where a pass was expected, or the reverse) and socket errors. */
  wrong: number;
  runs: WrkResult[];
}

/** Requests of a run that did not get the expected kind of answer. */
export function wrongAnswers(run: WrkResult, expect: LoadTarget['expect']): number {
  const sockets = run.errors.connect + run.errors.read + run.errors.write + run.errors.timeout;
  return sockets + (expect === 'refused' ? run.requests - run.errors.status : run.errors.status);
}

/** Sends one request to each target first, so a misconfigured target fails loudly before any load. */
export async function checkTargets(
  targets: readonly LoadTarget[],
  check: (target: LoadTarget, res: Response) => string | undefined = () => undefined,
): Promise<void> {
  for (const target of targets) {
    const res = await fetch(target.url, { headers: target.headers, redirect: 'manual' });
    await res.arrayBuffer();
    const kind = res.status < 300 ? 'ok' : res.status < 400 ? 'redirect' : 'refused';
    const problem =
      kind !== target.expect ? `answered ${res.status}, expected ${target.expect}` : check(target, res);
    if (problem) throw new Error(`${target.name} (${target.url}): ${problem}`);
  }
}

/** Drives the targets at full speed, interleaved over `settings.rounds` rounds. */
export async function sideBySide(
  targets: readonly LoadTarget[],
  settings: BenchSettings,
): Promise<TargetFigures[]> {
  const runs = targets.map(() => [] as WrkResult[]);
  for (let round = 0; round < settings.rounds; round++) {
    for (const [i, target] of targets.entries()) {
      settings.log(`  ${target.name}: round ${round + 1}/${settings.rounds}`);
      runs[i]?.push(
        await runWrk({
          url: target.url,
          headers: target.headers,
          seconds: settings.seconds,
          connections: settings.connections,
        }),
      );
    }
  }
  return targets.map((target, i) => figures(target, runs[i] ?? []));
}

/** Drives one target at a fixed rate for `settings.seconds`. */
export async function atFixedRate(
  target: LoadTarget,
  rate: number,
  settings: BenchSettings,
): Promise<TargetFigures> {
  settings.log(`  ${target.name}: fixed rate ${Math.round(rate)}/s`);
  const run = await runWrk({
    url: target.url,
    headers: target.headers,
    seconds: settings.seconds,
    connections: settings.connections,
    rate,
  });
  return figures(target, [run]);
}

function figures(target: LoadTarget, runs: WrkResult[]): TargetFigures {
  return {
    name: target.name,
    perSecond: runs.reduce((sum, r) => sum + r.perSecond, 0) / Math.max(1, runs.length),
    p50Ms: median(runs.map((r) => r.latencyMs.p50)),
    p99Ms: median(runs.map((r) => r.latencyMs.p99)),
    requests: runs.reduce((sum, r) => sum + r.requests, 0),
    wrong: runs.reduce((sum, r) => sum + wrongAnswers(r, target.expect), 0),
    runs,
  };
}
