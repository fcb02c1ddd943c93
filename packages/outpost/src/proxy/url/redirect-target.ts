/**
 * Validation of post-login redirect targets (`rd`, the forward URL, the state's redirect): the target must stay
 * on the application (single / proxy mode) or under the cookie domain on a label boundary (domain mode). The
 * answer is the target re-serialised by the WHATWG parser, never the raw input, so what we checked is what the
 * browser follows.
 */
import { canonicalHost, hostnameOf, isUnderDomain } from './canonical.ts';

/** What a redirect target is checked against. */
export interface RedirectRules {
  mode: 'proxy' | 'forward_single' | 'forward_domain';
  /** The provider's external_host, parsed. */
  external: URL;
  /** cookie_domain as configured (a leading dot is allowed). */
  cookieDomain: string;
}

/** Longest target we consider; longer ones are refused rather than parsed. */
const MAX_LENGTH = 4096;

// Control characters, including tab and newline, which WHATWG parsers silently strip (`/\t/evil`).
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u001f\u007f]/;

/** Decodes percent escapes once; undefined when they are malformed. */
function decodeOnce(raw: string): string | undefined {
  try {
    return decodeURIComponent(raw);
  } catch {
    return undefined;
  }
}

/** Structural checks on the raw target and on its once-decoded form (for servers that decode before they parse). */
function looksSafe(raw: string): boolean {
  if (raw.length > MAX_LENGTH || CONTROL.test(raw) || raw.includes('\\')) return false;
  const decoded = decodeOnce(raw);
  if (decoded === undefined || CONTROL.test(decoded) || decoded.includes('\\')) return false;
  // Scheme-relative targets leave the host to the browser (`//evil`, and `%2F%2Fevil` once decoded).
  for (const form of [raw, decoded]) if (/^\s*[/\\]{2}/.test(form)) return false;
  return true;
}

/** The effective port of an http(s) URL. */
const portOf = (url: URL): string => url.port || (url.protocol === 'https:' ? '443' : '80');

/**
 * The redirect target `raw` normalised, or undefined when it may not be followed. Relative targets
 * (`/path`) resolve against external_host.
 */
export function validateRedirect(raw: string, rules: RedirectRules): string | undefined {
  if (raw === '' || !looksSafe(raw)) return undefined;
  let url: URL;
  try {
    if (raw.startsWith('/')) url = new URL(raw, rules.external.origin);
    else {
      // Absolute targets must spell out an http(s) scheme and an authority: `https:evil` is not accepted.
      if (!/^https?:\/\/[^/]/i.test(raw)) return undefined;
      url = new URL(raw);
    }
  } catch {
    return undefined;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
  if (url.username !== '' || url.password !== '') return undefined;
  // A trailing dot names the same host to DNS but a different cookie jar to browsers.
  if (url.hostname.endsWith('.')) return undefined;
  const host = canonicalHost(url.host);
  if (!host) return undefined;
  if (rules.mode === 'forward_domain') {
    if (!isUnderDomain(hostnameOf(host), rules.cookieDomain)) return undefined;
    // No downgrade: a Secure session cookie would never reach an http target (a silent login loop).
    if (rules.external.protocol === 'https:' && url.protocol !== 'https:') return undefined;
    return url.href;
  }
  // Single application: the same origin as external_host, port included.
  if (url.protocol !== rules.external.protocol) return undefined;
  if (url.hostname !== rules.external.hostname || portOf(url) !== portOf(rules.external)) return undefined;
  return url.href;
}
