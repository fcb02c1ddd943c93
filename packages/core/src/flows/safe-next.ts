/**
 * Where to go after signing in: only a path on this same origin. Anything that a browser could read as
 * another origin (`//host`, `/\host`, `https://…`, `javascript:…`) or that carries control characters falls
 * back to `/`, so the sign-in page cannot be used as an open redirect.
 */
export function safeNextPath(next: unknown): string {
  if (typeof next !== 'string' || next.length === 0 || next.length > 2048) return '/';
  if (!next.startsWith('/') || next.startsWith('//') || next.startsWith('/\\')) return '/';
  // Browsers strip tabs and newlines inside URLs and treat backslashes as slashes: refuse them all.
  for (const char of next) {
    const code = char.charCodeAt(0);
    if (code < 0x20 || code === 0x7f || char === '\\') return '/';
  }
  try {
    const base = new URL('http://palisade.invalid');
    const resolved = new URL(next, base);
    if (resolved.origin !== base.origin) return '/';
    return resolved.pathname + resolved.search + resolved.hash;
  } catch {
    return '/';
  }
}
