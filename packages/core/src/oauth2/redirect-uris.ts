import type Provider from 'oidc-provider';

/** Stands in for a client's literal redirect URIs when it has regex ones only (`.invalid` never resolves). */
export const UNREACHABLE_REDIRECT_URI = 'https://regex-redirect-uris-only.invalid/';

/** Longest redirect URI tested against a pattern, so a crafted value cannot make matching slow. */
const MAX_REDIRECT_URI_LENGTH = 2048;

/** Whether `value` matches `pattern` as a whole (the reference's `fullmatch`), never throwing. */
export function fullMatch(pattern: string, value: string): boolean {
  if (value.length > MAX_REDIRECT_URI_LENGTH) return false;
  try {
    return new RegExp(`^(?:${pattern})$`, 'u').test(value);
  } catch {
    return false;
  }
}

/** Compiles a redirect URI pattern, or says why it cannot be used. */
export function redirectPatternProblem(pattern: string): string | undefined {
  try {
    new RegExp(`^(?:${pattern})$`, 'u');
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

/**
 * Lets an issuer accept a client's regex redirect URIs beside its literal ones: the literal check stays
 * oidc-provider's own, and a URI it refuses is tried against the client's patterns.
 */
export function allowRegexRedirectUris(issuer: Provider): void {
  const prototype = issuer.Client.prototype as unknown as {
    redirectUriAllowed(this: Record<string, unknown>, value: string): boolean;
  };
  const literal = prototype.redirectUriAllowed;
  prototype.redirectUriAllowed = function redirectUriAllowed(value: string): boolean {
    if (value !== UNREACHABLE_REDIRECT_URI && literal.call(this, value)) return true;
    const patterns = (this['urn:palisade:redirect_regexes'] as string[] | undefined) ?? [];
    return patterns.some((pattern) => fullMatch(pattern, value));
  };
}
