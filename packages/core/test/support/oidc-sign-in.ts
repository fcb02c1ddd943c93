import assert from 'node:assert/strict';
import * as client from 'openid-client';
import { cookieFetch } from './cookie-fetch.ts';

/** What the browser part of a code flow ends with. */
export interface AuthorizedCallback {
  callback: URL;
  verifier: string;
  state: string;
  browser: ReturnType<typeof cookieFetch>;
}

/**
 * Walks the browser part of the authorization code flow against a real core: authorize → the core's sign-in
 * page (its real form, with its CSRF token) → back at the redirect_uri with a code.
 */
export async function signInAndAuthorize(
  config: client.Configuration,
  options: {
    redirectUri: string;
    scope: string;
    username: string;
    password: string;
    extra?: Record<string, string>;
  },
): Promise<AuthorizedCallback> {
  const verifier = client.randomPKCECodeVerifier();
  const state = client.randomState();
  const url = client.buildAuthorizationUrl(config, {
    redirect_uri: options.redirectUri,
    scope: options.scope,
    state,
    code_challenge: await client.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    ...options.extra,
  });
  const browser = cookieFetch(url.origin);
  let step = await browser.follow(url.href);
  assert.match(step.url, /\/if\/flow\/default-authentication-flow\/\?next=/);
  const csrf = /name="csrf_token" value="([^"]+)"/.exec(await step.res.text())?.[1] ?? '';
  step = await browser.follow(step.url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ csrf_token: csrf, uid_field: options.username, password: options.password }),
  });
  assert.ok(step.url.startsWith(options.redirectUri), `ended at ${step.url} (${step.res.status})`);
  return { callback: new URL(step.url), verifier, state, browser };
}
