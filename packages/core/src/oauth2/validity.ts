const UNITS: Record<string, number> = {
  weeks: 604800,
  days: 86400,
  hours: 3600,
  minutes: 60,
  seconds: 1,
  microseconds: 1e-6,
};

/**
 * Parses the reference's duration format, `hours=1;minutes=2;seconds=3`, into seconds. Unknown units,
 * negative or non-numeric amounts are errors: a token lifetime must never silently become zero or infinite.
 */
export function parseValidity(text: string): number {
  let total = 0;
  for (const part of text
    .split(';')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const [unit, amount] = part.split('=').map((s) => s.trim());
    const factor = unit ? UNITS[unit] : undefined;
    const value = Number(amount);
    if (
      factor === undefined ||
      amount === undefined ||
      amount === '' ||
      !Number.isFinite(value) ||
      value < 0
    ) {
      throw new RangeError(`"${part}" is not a duration like hours=1;minutes=2;seconds=3`);
    }
    total += factor * value;
  }
  if (total <= 0) throw new RangeError(`"${text}" is not a positive duration`);
  return Math.round(total);
}
