import type { Static } from '@sinclair/typebox';
import type { PatchedProxyProviderRequest } from '@palisade/schema';
import { compileSkipPathRegex } from '@palisade/schema/skip-path-regex';
import type { Queryable } from '../db/database.ts';
import { assertThat, validationFailed } from '../http/api-error.ts';
import {
  addProblem,
  certificateProblems,
  commonProviderProblems,
  validityProblems,
} from '../providers/validate.ts';
import type { ProxyProvider } from './providers-repository.ts';

type ProxyInput = Static<typeof PatchedProxyProviderRequest>;

/** Why a value cannot be an outpost's host URL (absolute http(s), no credentials), or undefined. */
function hostUrlProblem(value: string, { isExternal }: { isExternal: boolean }): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'Enter a valid URL.';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return 'Only http and https URLs are allowed.';
  if (!url.hostname) return 'The URL needs a host.';
  if (url.username || url.password) return 'A URL with credentials is not allowed.';
  // external_host ends up in redirect URIs and cookie paths, where a query or fragment cannot work.
  if (isExternal && (url.search || url.hash)) return 'A URL with a query or fragment is not allowed.';
  return undefined;
}

/**
 * Checks a proxy provider's body beyond its JSON Schema, against the provider it changes (if any), so a
 * PATCH is checked as the provider it would leave: every problem is reported at once, per field.
 */
export async function assertValidProxyProvider(
  db: Queryable,
  body: ProxyInput,
  current?: ProxyProvider,
): Promise<void> {
  const problems = await commonProviderProblems(db, body);
  validityProblems(body, ['access_token_validity', 'refresh_token_validity'], problems);
  if (body.external_host !== undefined) {
    const problem = hostUrlProblem(body.external_host, { isExternal: true });
    if (problem) addProblem(problems, 'external_host', problem);
  }
  if (body.internal_host) {
    const problem = hostUrlProblem(body.internal_host, { isExternal: false });
    if (problem) addProblem(problems, 'internal_host', problem);
  }
  const mode = body.mode ?? current?.mode ?? 'proxy';
  if (mode === 'proxy' && (body.internal_host ?? current?.internalHost ?? '') === '') {
    addProblem(problems, 'internal_host', 'Internal host cannot be empty when forward auth is disabled.');
  }
  if (body.skip_path_regex !== undefined) {
    for (const problem of compileSkipPathRegex(body.skip_path_regex).problems)
      addProblem(problems, 'skip_path_regex', problem);
  }
  const basicAuth = body.basic_auth_enabled ?? current?.basicAuthEnabled ?? false;
  const user = body.basic_auth_user_attribute ?? current?.basicAuthUserAttribute ?? '';
  const password = body.basic_auth_password_attribute ?? current?.basicAuthPasswordAttribute ?? '';
  if (basicAuth && (user === '' || password === '')) {
    addProblem(
      problems,
      'basic_auth_enabled',
      'User and password attributes must be set when basic auth is enabled.',
    );
  }
  await certificateProblems(db, body.certificate, problems);
  assertThat(Object.keys(problems).length === 0, () => validationFailed(problems));
}
