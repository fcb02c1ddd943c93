/** What a benchmark case is, and what it reports: one file per case in cases/, run by run.ts. */

/** Programs from Debian a case drives. */
export type Tool = 'nginx' | 'caddy' | 'wrk' | 'freeradius';

/** Settings every case reads (from the environment, see run.ts). */
export interface BenchSettings {
  /** Seconds of load per measurement. */
  seconds: number;
  /** Interleaved rounds of each side-by-side comparison (A B C, A B C, …). */
  rounds: number;
  /** wrk connections. */
  connections: number;
  /** Progress lines (stderr), so a long run shows where it is. */
  log: (line: string) => void;
}

/** A target of the issue, and whether this run met it. */
export interface TargetCheck {
  target: string;
  measured: string;
  met: boolean;
}

/** What a case found. */
export interface CaseReport {
  title: string;
  /** A markdown table of the figures. */
  table: string;
  /** How it was measured, in a sentence or two each. */
  notes: string[];
  targets: TargetCheck[];
  /** Everything measured, for the JSON results file. */
  data: unknown;
}

/** One benchmark. */
export interface BenchCase {
  name: string;
  summary: string;
  tools: readonly Tool[];
  run(settings: BenchSettings): Promise<CaseReport>;
}

/** A markdown table. Numbers are shown as given: format them before. */
export function markdownTable(
  headers: readonly string[],
  rows: ReadonlyArray<ReadonlyArray<string | number>>,
): string {
  return [
    `| ${headers.join(' | ')} |`,
    `|${headers.map(() => '---').join('|')}|`,
    ...rows.map((row) => `| ${row.join(' | ')} |`),
  ].join('\n');
}

/** A number with `digits` decimals. */
export const fixed = (value: number, digits = 2): string => value.toFixed(digits);
