import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The outpost package's version (its manifest), as HELLO and the metrics report it. */
export const OUTPOST_VERSION: string = (
  JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', 'package.json'), 'utf8')) as {
    version: string;
  }
).version;

/** The build hash (GIT_BUILD_HASH, as the reference reads it); empty for release builds. */
export function buildHash(env: NodeJS.ProcessEnv = process.env): string {
  return env.GIT_BUILD_HASH ?? '';
}

/**
 * `goauthentik.io/outpost/<version>[.<build>]`: the User-Agent of every call to the core and the value of
 * X-authentik-meta-version (spec §1.3), spelled as the reference spells it so the core's logs read alike.
 */
export function userAgent(build: string): string {
  return `goauthentik.io/outpost/${OUTPOST_VERSION}${build ? `.${build}` : ''}`;
}
