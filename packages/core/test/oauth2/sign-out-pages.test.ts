import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as client from 'openid-client';
import { insertApplication } from '../../src/applications/applications-repository.ts';
import { findFlowBySlug, insertFlow } from '../../src/flows/flows-repository.ts';
import { hashPassword } from '../../src/identity/passwords.ts';
import { insertUser } from '../../src/identity/users-repository.ts';
import { insertOAuth2Provider } from '../../src/oauth2/providers-repository.ts';
import { type RunningServer, startServer } from '../../src/server.ts';
import { testConfig } from '../support/app.ts';
import { signInAndAuthorize } from '../support/oidc-sign-in.ts';

const REDIRECT = 'https://rp.example.com/callback';

/**
 * RP-initiated logout lands on Palisade's own pages: the end-session endpoint sends the browser to the
 * provider's invalidation flow, which (as seeded) ends the core session at once and ends on a page with a way
 * back; a flow without the logout stage leaves the core session alone. No stock library page, nothing from a
 * third party.
 */
describe('signing out of an application through the end-session endpoint', () => {
  let server: RunningServer;
  let origin = '';
  const configs: Record<string, client.Configuration> = {};

  before(async () => {
    server = await startServer(
      testConfig({
        PALISADE_LISTEN__HTTP: '127.0.0.1:0',
        PALISADE_LOG_LEVEL: process.env.DEBUG_LOG ?? 'silent',
      }),
    );
    const { db, box } = server.ctx;
    await insertUser(db, { username: 'alice', passwordHash: await hashPassword('alice-password') });
    const providerFlow = await findFlowBySlug(db, 'default-provider-invalidation-flow');
    const keep = await insertFlow(db, {
      slug: 'keep-session-invalidation',
      name: 'Sign out of the app only',
      title: 'Signed out',
      designation: 'invalidation',
    });
    for (const [slug, flow, launch] of [
      ['wiki', providerFlow?.uuid, 'https://wiki.example.com/'],
      ['notes', keep.uuid, ''],
    ] as const) {
      await db.transaction(async (tx) => {
        const provider = await insertOAuth2Provider(tx, box, {
          name: `${slug} provider`,
          clientId: `${slug}-client`,
          clientSecret: `${slug}-secret-0123456789`,
          invalidationFlow: flow,
          redirectUris: [{ matching_mode: 'strict', url: REDIRECT }],
        });
        await insertApplication(tx, { name: slug, slug, providerId: provider.id, metaLaunchUrl: launch });
      });
    }
    const address = server.app.server.address();
    origin = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    for (const slug of ['wiki', 'notes'])
      configs[slug] = await client.discovery(
        new URL(`${origin}/application/o/${slug}/`),
        `${slug}-client`,
        `${slug}-secret-0123456789`,
        undefined,
        { execute: [client.allowInsecureRequests] },
      );
  });
  after(() => server?.close());

  const signIn = (slug: string) =>
    signInAndAuthorize(configs[slug] as client.Configuration, {
      redirectUri: REDIRECT,
      scope: 'openid',
      username: 'alice',
      password: 'alice-password',
    });

  it("ends the core session on the provider invalidation flow's page, with the way back, and asks to sign in next time", async () => {
    const { browser } = await signIn('wiki');
    const end = await browser.request(`/application/o/wiki/end-session/?client_id=wiki-client`);
    assert.equal(end.status, 303);
    assert.equal(
      end.headers.get('location'),
      '/if/flow/default-provider-invalidation-flow/?application=wiki',
    );
    const landed = await browser.follow(end.headers.get('location') ?? '');
    assert.equal(landed.res.status, 200);
    const body = await landed.res.text();
    assert.match(body, /<p id="signed-out">\s*You are signed out\.\s*<\/p>/);
    assert.match(body, /<a id="way-back" href="https:\/\/wiki\.example\.com\/">Back to wiki<\/a>/);
    assert.doesNotMatch(body, /https?:\/\/(?!wiki\.example\.com)[^"]*"/, 'links and loads nothing elsewhere');
    assert.equal((await browser.request('/api/v3/core/users/me/')).status, 403, 'the core session ended');
    // Coming back to the application is a new sign-in, not a silent one.
    const again = await browser.follow(
      client.buildAuthorizationUrl(configs.wiki as client.Configuration, {
        redirect_uri: REDIRECT,
        scope: 'openid',
      }).href,
    );
    assert.match(again.url, /\/if\/flow\/default-authentication-flow\/\?next=/);
  });

  it('leaves the core session alone when the invalidation flow has no logout stage, and says so', async () => {
    const { browser } = await signIn('notes');
    const landed = await browser.follow(`/application/o/notes/end-session/?client_id=notes-client`);
    assert.equal(landed.url, `${origin}/if/flow/keep-session-invalidation/?application=notes`);
    const body = await landed.res.text();
    assert.match(
      body,
      /You signed out of notes\. You are still signed in to\s+Palisade as <strong>alice<\/strong>\./,
    );
    // No launch URL: the way back is signing in again.
    assert.match(
      body,
      /<a id="way-back" href="\/if\/flow\/default-authentication-flow\/">Sign in again<\/a>/,
    );
    assert.equal((await browser.request('/api/v3/core/users/me/')).status, 200);
  });

  it('answers a browser without a login session at the authorization server on its own page too', async () => {
    const { browser } = await signIn('wiki');
    // The authorization server's own session cookie is gone (another browser tab signed out of it).
    for (const name of [...browser.jar.keys()]) if (name.startsWith('_session')) browser.jar.delete(name);
    const first = await browser.request(`/application/o/wiki/end-session/?client_id=wiki-client`);
    const page = await first.text();
    assert.doesNotMatch(page, /googleapis|Do you want to sign-out/);
    const xsrf = /name="xsrf" value="([^"]+)"/.exec(page)?.[1] ?? '';
    const confirmed = await browser.follow(`/application/o/wiki/end-session/confirm/`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ xsrf, logout: 'yes' }),
    });
    const body = await confirmed.res.text();
    assert.match(body, /You are signed out\./);
    assert.doesNotMatch(body, /googleapis/);
    assert.equal((await browser.request('/api/v3/core/users/me/')).status, 403, 'the core session ended');
  });
});
