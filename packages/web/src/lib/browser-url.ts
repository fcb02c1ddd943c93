/** What the console needs to know about an outpost's browser-facing URL (issue 19, point 1). */
import { isLoopbackUrl } from '@palisade/schema/loopback';

/**
 * Answers whether an outpost's `authentik_host` leaves browsers without a usable sign-in address: empty (the
 * embedded outpost then falls back to the core's loopback address) or loopback.
 */
export function needsBrowserUrl(authentikHost: unknown): boolean {
  return typeof authentikHost !== 'string' || authentikHost.trim() === '' || isLoopbackUrl(authentikHost);
}

/**
 * The `authentik_host` of settings YAML as typed: the form's warning follows the text without loading the
 * YAML parser on every keystroke (the settings writer puts every key on its own top-level line).
 */
export function typedAuthentikHost(settings: string): string {
  const line = /^authentik_host:[ \t]*(.*)$/m.exec(settings)?.[1] ?? '';
  return line
    .replace(/\s+#.*$/, '')
    .trim()
    .replace(/^(["'])(.*)\1$/, '$2');
}
