import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as client from 'openid-client';
import { insertApplication } from '../../src/applications/applications-repository.ts';
import { findFlowBySlug, insertFlow } from '../../src/flows/flows-repository.ts';
import { insertStageBinding } from '../../src/flows/stage-bindings-repository.ts';
import { findStageByName, insertStage } from '../../src/flows/stages-repository.ts';
import { hashPassword } from '../../src/identity/passwords.ts';
import { insertUser } from '../../src/identity/users-repository.ts';
import { insertOAuth2Provider } from '../../src/oauth2/providers-repository.ts';
import { type RunningServer, startServer } from '../../src/server.ts';
import { testConfig } from '../support/app.ts';
import { cookieFetch } from '../support/cookie-fetch.ts';

const REDIRECT = 'https://rp.example.com/callback';
const EXPLICIT = 'default-provider-authorization-explicit-consent';

type Browser = ReturnType<typeof cookieFetch>;

/** The hidden field `name` of a page's form. */
function formField(body: string, name: string): string {
  return new RegExp(`name="${name}" value="([^"]*)"`).exec(body)?.[1] ?? '';
}

/**
 * The authorization flow of an OAuth2 provider runs on the flow engine: the interaction page is the flow's
 * HTML rendering, so what the admin binds to the flow (consent, a deny stage) is what the user meets.
 */
describe('OAuth2 authorization through the provider’s authorization flow', () => {
  let server: RunningServer;
  let origin: string;
  const clients = new Map<string, client.Configuration>();

  before(async () => {
    server = await startServer(
      testConfig({
        PALISADE_LISTEN__HTTP: '127.0.0.1:0',
        PALISADE_LOG_LEVEL: process.env.DEBUG_LOG ?? 'silent',
      }),
    );
    const { db, box } = server.ctx;
    await insertUser(db, { username: 'carol', passwordHash: await hashPassword('carol-password') });
    const explicit = await findFlowBySlug(db, EXPLICIT);
    assert.ok(explicit);
    // A flow an admin made: a deny stage before anything else.
    const closed = await insertFlow(db, {
      slug: 'closed-authorization',
      name: 'Closed',
      title: 'Closed',
      designation: 'authorization',
    });
    const deny = await insertStage(db, {
      name: 'closed-deny',
      kind: 'deny',
      config: { deny_message: 'Authorizations are paused for maintenance.' },
    });
    await insertStageBinding(db, { flowUuid: closed.uuid, stageUuid: deny.uuid, order: 10 });
    for (const [slug, flow] of [
      ['notes', explicit.uuid],
      ['board', explicit.uuid],
      ['vault', closed.uuid],
    ] as const) {
      const provider = await insertOAuth2Provider(db, box, {
        name: `${slug} provider`,
        clientId: `${slug}-client`,
        clientSecret: `${slug}-secret-0123456789`,
        authorizationFlow: flow,
        redirectUris: [{ matching_mode: 'strict', url: REDIRECT }],
      });
      await insertApplication(db, { name: `The ${slug}`, slug, providerId: provider.id });
    }
    const address = server.app.server.address();
    origin = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    for (const slug of ['notes', 'board', 'vault']) {
      clients.set(
        slug,
        await client.discovery(
          new URL(`${origin}/application/o/${slug}/`),
          `${slug}-client`,
          `${slug}-secret-0123456789`,
          undefined,
          { execute: [client.allowInsecureRequests] },
        ),
      );
    }
  });
  after(() => server.close());

  /** Starts an authorization of `slug` in `browser`, signing in on the way when needed. */
  async function authorize(browser: Browser, slug: string, scope = 'openid profile') {
    const url = client.buildAuthorizationUrl(clients.get(slug) as client.Configuration, {
      redirect_uri: REDIRECT,
      scope,
      code_challenge: await client.calculatePKCECodeChallenge(client.randomPKCECodeVerifier()),
      code_challenge_method: 'S256',
    });
    let step = await browser.follow(url.href);
    if (step.url.includes('/if/flow/default-authentication-flow/')) {
      const csrf = formField(await step.res.text(), 'csrf_token');
      step = await browser.follow(step.url, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ csrf_token: csrf, uid_field: 'carol', password: 'carol-password' }),
      });
    }
    return { ...step, body: step.url.startsWith(REDIRECT) ? '' : await step.res.text() };
  }

  function post(browser: Browser, url: string, fields: Record<string, string>) {
    return browser.follow(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(fields),
    });
  }

  it('asks on the explicit-consent flow’s consent stage, then remembers the answer', async () => {
    const browser = cookieFetch(origin);
    const asked = await authorize(browser, 'notes');
    assert.equal(asked.res.status, 200);
    assert.match(asked.url, /\/application\/o\/interaction\/[^/]+\/$/);
    assert.match(asked.body, /<p id="consent-header">The notes asks to:<\/p>/);
    assert.match(asked.body, /data-scope="profile"/);
    const allowed = await post(browser, asked.url, {
      csrf_token: formField(asked.body, 'csrf_token'),
      token: formField(asked.body, 'token'),
      decision: 'allow',
    });
    assert.ok(allowed.url.startsWith(REDIRECT), `ended at ${allowed.url}`);
    assert.ok(new URL(allowed.url).searchParams.get('code'));
    const rows = await server.ctx.db.query<{
      username: string;
      context: { authorized_application: { slug: string }; scopes: string; flow: string };
    }>(
      "SELECT \"user\"->>'username' AS username, context FROM events WHERE action = 'authorize_application'",
    );
    assert.equal(rows.length, 1, 'an authorize_application event');
    assert.equal(rows[0]?.username, 'carol');
    assert.equal(rows[0]?.context.authorized_application.slug, 'notes');
    assert.equal(rows[0]?.context.scopes, 'openid profile');
    assert.equal(rows[0]?.context.flow, EXPLICIT);
    // The consent stage is `permanent`: the same scopes are not asked again, a new one is.
    const again = await authorize(browser, 'notes');
    assert.ok(again.url.startsWith(REDIRECT), `ended at ${again.url}`);
    const wider = await authorize(browser, 'notes', 'openid profile email');
    assert.match(wider.body, /data-scope="email"/);
  });

  it('keeps two pending authorizations apart: an answer to one never completes the other', async () => {
    const browser = cookieFetch(origin);
    const notesPage = await authorize(browser, 'notes', 'openid email');
    const boardPage = await authorize(browser, 'board');
    assert.match(boardPage.body, /The board asks to:/);
    // The consent token shown for the notes is not the board's: posting it there is refused.
    const crossed = await post(browser, boardPage.url, {
      csrf_token: formField(boardPage.body, 'csrf_token'),
      token: formField(notesPage.body, 'token'),
      decision: 'allow',
    });
    assert.equal(crossed.url, boardPage.url);
    assert.match(await crossed.res.text(), /The consent request expired/);
    // The notes' own question is still pending and names the notes.
    const notesAgain = await browser.follow(notesPage.url);
    assert.match(await notesAgain.res.text(), /The notes asks to:/);
  });

  it('returns access_denied to the client when the user cancels, and a replay of the answer finds nothing', async () => {
    const browser = cookieFetch(origin);
    const asked = await authorize(browser, 'board', 'openid email');
    const fields = { csrf_token: formField(asked.body, 'csrf_token'), token: formField(asked.body, 'token') };
    const cancelled = await post(browser, asked.url, { ...fields, decision: 'deny' });
    assert.ok(cancelled.url.startsWith(REDIRECT), `ended at ${cancelled.url}`);
    assert.equal(new URL(cancelled.url).searchParams.get('error'), 'access_denied');
    assert.equal(new URL(cancelled.url).searchParams.get('code'), null);
    const replayed = await post(browser, asked.url, { ...fields, decision: 'allow' });
    assert.equal(replayed.res.status, 400);
    assert.match(await replayed.res.text(), /unknown or has expired/);
  });

  it('follows what the admin bound: a deny stage on the flow denies with its message and issues no code', async () => {
    const browser = cookieFetch(origin);
    const denied = await authorize(browser, 'vault');
    assert.equal(denied.res.status, 403);
    assert.match(denied.body, /Authorizations are paused for maintenance\./);
    // Unbinding the deny stage (the admin's change, as data) opens the flow on the next authorization.
    const stage = await findStageByName(server.ctx.db, 'closed-deny');
    await server.ctx.db.query('DELETE FROM flow_stage_bindings WHERE stage_uuid = $1', [stage?.uuid]);
    const open = await authorize(browser, 'vault');
    assert.ok(open.url.startsWith(REDIRECT), `ended at ${open.url}`);
    assert.ok(new URL(open.url).searchParams.get('code'));
  });
});
