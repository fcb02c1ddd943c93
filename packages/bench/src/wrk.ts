/**
 * HTTP load with wrk (Debian's wrk 4, which embeds LuaJIT). A Lua `done` hook prints one JSON line with the
 * counts and latency percentiles, so nothing depends on wrk's human-readable report.
 *
 * Fixed-rate mode (wrk2 is not packaged): the script's `delay()` hook, which wrk calls before every request
 * on every connection, hands out send slots from a per-thread schedule, `interval = threads / rate`, read
 * against CLOCK_MONOTONIC through LuaJIT's FFI. A connection waits for its slot, so requests leave at the
 * target rate whatever the latency (open loop), as long as enough connections are idle; a slot already in
 * the past is sent at once and counted as late, with the worst lateness reported, so a run that could not
 * hold its schedule says so rather than quietly measuring a lower rate. wrk times each request from its
 * actual send, so the lateness is reported next to the latency, not added to it. wrk's timers have 1 ms
 * resolution: slots closer than that leave together, in bursts of rate/1000 requests per millisecond.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** What one wrk run measured. Latencies in milliseconds. */
export interface WrkResult {
  requests: number;
  seconds: number;
  perSecond: number;
  /** wrk's error counters; `status` counts responses with a status of 400 or more. */
  errors: { connect: number; read: number; write: number; status: number; timeout: number };
  latencyMs: { mean: number; p50: number; p90: number; p99: number; p999: number; max: number };
  /** Fixed-rate mode only: requests sent after their slot, and by how much at worst. */
  late?: { count: number; maxMs: number };
  /** Fixed-rate mode only: the rate asked for. */
  targetRate?: number;
}

/** One load run against `url` (loopback only). */
export interface WrkOptions {
  url: string;
  headers?: Record<string, string>;
  seconds: number;
  connections: number;
  threads?: number;
  /** Requests per second to hold (fixed-rate mode); absent: as fast as the server answers. */
  rate?: number;
}

/** The marker that starts the JSON line of the `done` hook. */
export const WRK_JSON_MARKER = 'WRK_JSON ';

/** The Lua script for a run: the JSON report, and in fixed-rate mode the pacing `delay()`. */
export function wrkScript(options: { rate?: number; threads: number }): string {
  const report = `
local threads = {}
function setup(thread) table.insert(threads, thread) end
function done(summary, latency, requests)
  local late, late_max = 0, 0
  for _, t in ipairs(threads) do
    late = late + (t:get("late") or 0)
    late_max = math.max(late_max, t:get("late_max") or 0)
  end
  local e = summary.errors
  io.write(string.format(
    '${WRK_JSON_MARKER}{"requests":%d,"duration_us":%d,"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d},' ..
    '"latency_us":{"mean":%.1f,"p50":%d,"p90":%d,"p99":%d,"p999":%d,"max":%d},"late":%d,"late_max_ms":%.3f}\\n',
    summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout,
    latency.mean, latency:percentile(50), latency:percentile(90), latency:percentile(99),
    latency:percentile(99.9), latency.max, late, late_max))
end
`;
  if (options.rate === undefined) return report;
  const intervalMs = (1000 * options.threads) / options.rate;
  return `${report}
local ffi = require("ffi")
ffi.cdef[[
typedef struct { long tv_sec; long tv_nsec; } bench_timespec;
int clock_gettime(int clock, bench_timespec *ts);
]]
local ts = ffi.new("bench_timespec")
local function now_ms()
  ffi.C.clock_gettime(1, ts) -- CLOCK_MONOTONIC
  return tonumber(ts.tv_sec) * 1000 + tonumber(ts.tv_nsec) / 1e6
end
local interval = ${intervalMs}
local next_slot = nil
late, late_max = 0, 0
function delay()
  local now = now_ms()
  if next_slot == nil then next_slot = now end
  local slot = next_slot
  next_slot = next_slot + interval
  local wait = slot - now
  if wait < 0 then
    late = late + 1
    if -wait > late_max then late_max = -wait end
    return 0
  end
  return wait
end
`;
}

/** Reads the `done` hook's JSON line out of wrk's output. Throws when there is none. */
export function parseWrkOutput(stdout: string, targetRate?: number): WrkResult {
  const line = stdout.split('\n').find((l) => l.startsWith(WRK_JSON_MARKER));
  if (!line) throw new Error(`wrk printed no report:\n${stdout}`);
  const raw = JSON.parse(line.slice(WRK_JSON_MARKER.length)) as {
    requests: number;
    duration_us: number;
    errors: WrkResult['errors'];
    latency_us: Record<'mean' | 'p50' | 'p90' | 'p99' | 'p999' | 'max', number>;
    late: number;
    late_max_ms: number;
  };
  const seconds = raw.duration_us / 1e6;
  const ms = (us: number) => us / 1000;
  const l = raw.latency_us;
  return {
    requests: raw.requests,
    seconds,
    perSecond: seconds > 0 ? raw.requests / seconds : 0,
    errors: raw.errors,
    latencyMs: {
      mean: ms(l.mean),
      p50: ms(l.p50),
      p90: ms(l.p90),
      p99: ms(l.p99),
      p999: ms(l.p999),
      max: ms(l.max),
    },
    ...(targetRate === undefined ? {} : { late: { count: raw.late, maxMs: raw.late_max_ms }, targetRate }),
  };
}

/** Runs wrk once and parses its report. */
export async function runWrk(options: WrkOptions): Promise<WrkResult> {
  const threads = options.threads ?? 1;
  const dir = await mkdtemp(join(tmpdir(), 'palisade-wrk-'));
  try {
    const script = join(dir, 'bench.lua');
    await writeFile(script, wrkScript({ rate: options.rate, threads }));
    const args = [
      `-t${threads}`,
      `-c${Math.max(options.connections, threads)}`,
      `-d${options.seconds}s`,
      '--timeout',
      '5s',
      '-s',
      script,
    ];
    for (const [name, value] of Object.entries(options.headers ?? {})) args.push('-H', `${name}: ${value}`);
    args.push(options.url);
    const { stdout } = await run('wrk', args, { maxBuffer: 16 * 1024 * 1024 });
    return parseWrkOutput(stdout, options.rate);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
