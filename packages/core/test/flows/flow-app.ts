import { hashPassword } from '../../src/identity/passwords.ts';
import { insertUser, type NewUser } from '../../src/identity/users-repository.ts';
import { createTestApp, type TestApp } from '../support/app.ts';
import { BrowserSession } from '../support/browser-session.ts';
import type { TestBackend } from '../support/databases.ts';

export const SETUP = '/if/flow/initial-setup/';
export const SIGN_IN = '/if/flow/default-authentication-flow/';
export const SIGN_OUT = '/if/flow/default-invalidation-flow/';
export const GENERIC = 'Invalid username or password.';

/**
 * Settings of the flow suites: the test client (127.0.0.1) is a trusted proxy, so each test can play its own
 * client address with X-Forwarded-For and the in-memory attempt counters of one app do not leak between
 * tests; small attempt limits keep throttling tests short.
 */
export const FLOW_ENV = {
  PALISADE_TRUSTED_PROXY_CIDRS: '127.0.0.1',
  PALISADE_LOGIN__MAX_FAILURES_PER_USERNAME: '3',
  PALISADE_LOGIN__MAX_FAILURES_PER_ADDRESS: '6',
  PALISADE_LOGIN__LOCKOUT_BASE_SECONDS: '30',
};

let addresses = 0;

/** A browser at a client address no other test in this process uses. */
export function newBrowser(t: TestApp, headers: Record<string, string> = {}): BrowserSession {
  addresses += 1;
  const address = `10.${Math.floor(addresses / 250) % 250}.${addresses % 250}.1`;
  return new BrowserSession(t.app, { 'x-forwarded-for': address, ...headers });
}

/** The app for flow tests. */
export async function createFlowApp(
  backend: TestBackend,
  env: Record<string, string> = {},
): Promise<TestApp> {
  return createTestApp(backend, { ...FLOW_ENV, ...env });
}

/** Inserts a user with a password. */
export async function insertUserWithPassword(
  t: TestApp,
  user: Omit<NewUser, 'passwordHash'>,
  password: string,
): Promise<void> {
  await insertUser(t.db, { ...user, passwordHash: await hashPassword(password) });
}

/** Who the browser's cookies authenticate as on the API, if anyone. */
export async function whoAmI(browser: BrowserSession): Promise<string | undefined> {
  const res = await browser.get('/api/v3/core/users/me/');
  return res.statusCode === 200 ? (res.json() as { user: { username: string } }).user.username : undefined;
}

/** The session cookie line a response set. */
export function sessionCookieLine(headers: Record<string, unknown>): string | undefined {
  const lines = [headers['set-cookie']].flat().map(String);
  return lines.find((line) => line.startsWith('palisade_session='));
}
