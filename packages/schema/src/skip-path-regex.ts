/**
 * A proxy provider's `skip_path_regex`: newline-separated regular expressions of requests that need no
 * sign-in. The core refuses a value with a line that does not compile (the reference's outpost skips such a
 * line with a warning, which silently protects less or more than the admin meant), and the outpost compiles
 * the lines with this same function, so what the core accepted is exactly what the outpost matches.
 *
 * Lines are JavaScript regular expressions without flags (unanchored "find", like the reference's Go RE2
 * patterns: write `^…$` to anchor). Without the `u` flag the syntax accepts what RE2 accepts for the usual
 * path patterns (`\-`, a literal `{`); RE2-only syntax such as `(?P<name>…)` or a leading `(?i)` is refused.
 */

/** Most lines, and longest line, accepted: bounds what every outpost request is matched against. */
export const SKIP_PATH_REGEX_LIMITS = { lines: 100, lineLength: 1000 } as const;

/** One non-blank line of skip_path_regex, with its 1-based line number. */
export interface SkipPathLine {
  line: number;
  source: string;
}

/** The non-blank lines (a trailing `\r` of a CRLF text is not part of the pattern). */
export function skipPathLines(text: string): SkipPathLine[] {
  return text
    .split('\n')
    .map((raw, index) => ({ line: index + 1, source: raw.endsWith('\r') ? raw.slice(0, -1) : raw }))
    .filter((entry) => entry.source.trim() !== '');
}

/** Compiles every line; `problems` names each line that cannot be used, and why. */
export function compileSkipPathRegex(text: string): { patterns: RegExp[]; problems: string[] } {
  const lines = skipPathLines(text);
  const problems: string[] = [];
  const patterns: RegExp[] = [];
  if (lines.length > SKIP_PATH_REGEX_LIMITS.lines) {
    problems.push(
      `At most ${SKIP_PATH_REGEX_LIMITS.lines} expressions are allowed; this has ${lines.length}.`,
    );
  }
  for (const { line, source } of lines) {
    if (source.length > SKIP_PATH_REGEX_LIMITS.lineLength) {
      problems.push(`Line ${line}: longer than ${SKIP_PATH_REGEX_LIMITS.lineLength} characters.`);
      continue;
    }
    try {
      patterns.push(new RegExp(source));
    } catch (error) {
      // V8's message quotes the pattern: "Invalid regular expression: /(/: Unterminated group".
      problems.push(`Line ${line}: ${(error as Error).message}.`);
    }
  }
  return { patterns, problems };
}
