/**
 * Reads the reference's duration strings (`hours=1;minutes=2;seconds=3`, also `weeks` and `days`) as
 * seconds. Answers undefined for anything else, so a stage setting with a typo is refused when saved.
 */
const UNITS: Record<string, number> = { weeks: 604_800, days: 86_400, hours: 3_600, minutes: 60, seconds: 1 };

/** Seconds in a duration string, or undefined when it is not one. */
export function durationSeconds(text: string): number | undefined {
  if (text.length === 0 || text.length > 200) return undefined;
  let total = 0;
  for (const part of text.split(';')) {
    const match = /^\s*(weeks|days|hours|minutes|seconds)\s*=\s*(-?\d+(?:\.\d+)?)\s*$/.exec(part);
    if (!match?.[1] || !match[2]) return undefined;
    total += Number(match[2]) * (UNITS[match[1]] ?? 0);
  }
  return Number.isFinite(total) ? Math.floor(total) : undefined;
}
