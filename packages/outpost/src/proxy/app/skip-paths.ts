/**
 * skip_path_regex ("Unauthenticated Paths", spec §7.1): one regex a line, unanchored. Single and proxy mode
 * test the canonical path only (a query never satisfies a path rule); domain mode tests the full canonical
 * URL, as the reference does. An ambiguous path (url/canonical.ts: `;`, double encoding, dot segments,
 * encoded separators, control characters) never matches (issue 13, finding 8).
 */
import { compileSkipPathRegex } from '@palisade/schema/skip-path-regex';
import type { Logger } from '../types.ts';
import { type CanonicalUrl, formatCanonicalUrl } from '../url/canonical.ts';

/** Compiled skip rules of one provider. */
export interface SkipPaths {
  /** Whether the request may pass without signing in. */
  matches(url: CanonicalUrl): boolean;
  readonly size: number;
}

/**
 * Compiles the rules. The core refuses a line that does not compile; if one still arrives it matches
 * nothing (fail closed: its path stays protected) and is logged.
 */
export function compileSkipPaths(
  source: string,
  mode: 'proxy' | 'forward_single' | 'forward_domain',
  log: Logger,
  provider: string,
): SkipPaths {
  // The core's own function: what it accepted is exactly what is matched here (without flags, unlike the
  // `u` flag this used before, which refused lines the core had accepted, such as `\-`).
  const { patterns: rules, problems } = compileSkipPathRegex(source);
  for (const problem of problems)
    log.error(
      { provider, reason: 'invalid skip_path_regex line', problem },
      'unauthenticated path rule ignored (it protects nothing less)',
    );
  return {
    size: rules.length,
    matches(url) {
      if (rules.length === 0 || url.isAmbiguous) return false;
      const subject = mode === 'forward_domain' ? formatCanonicalUrl(url) : url.path;
      return rules.some((rule) => rule.test(subject));
    },
  };
}
