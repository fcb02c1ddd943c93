import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { insertApplication } from '../../src/applications/applications-repository.ts';
import { insertOAuth2Provider } from '../../src/oauth2/providers-repository.ts';
import type { TestApp } from '../support/app.ts';
import { testBackends } from '../support/databases.ts';
import { createFlowApp, newBrowser, SIGN_IN } from './flow-app.ts';

const NAME = 'Wiki <&> "team"';
const LEAD = /<p class="note" id="sign-in-application">\s*to continue to <strong>([^<]*)<\/strong>\s*<\/p>/;
const AUTHORIZE =
  '/application/o/authorize/?client_id=wiki-client&response_type=code&scope=openid&redirect_uri=' +
  encodeURIComponent('https://wiki.example.com/cb');

const backend = testBackends()[0];

describe('the sign-in page names the product and the application it was started for', () => {
  let t: TestApp;
  before(async () => {
    if (!backend) throw new Error('no test backend');
    t = await createFlowApp(backend);
    await t.db.transaction(async (tx) => {
      const provider = await insertOAuth2Provider(tx, t.ctx.box, {
        name: 'Wiki provider',
        clientId: 'wiki-client',
        clientSecret: 'wiki-secret-0123456789',
        redirectUris: [{ matching_mode: 'strict', url: 'https://wiki.example.com/cb' }],
      });
      await insertApplication(tx, { name: NAME, slug: 'wiki', providerId: provider.id });
    });
  });
  after(() => t.close());

  const signInPage = async (next?: string) => {
    const res = await newBrowser(t).get(next ? `${SIGN_IN}?next=${encodeURIComponent(next)}` : SIGN_IN);
    assert.equal(res.statusCode, 200, res.body);
    return res.body;
  };

  it('shows "Palisade" on a plain sign-in, and no application', async () => {
    const body = await signInPage();
    assert.match(body, /<header class="brand"><img src="\/static\/favicon.svg" alt="" \/>Palisade<\/header>/);
    assert.doesNotMatch(body, /sign-in-application/);
    assert.doesNotMatch(await signInPage('/if/admin/'), /sign-in-application/);
  });

  it("names the application of an OAuth2 interaction, reached as a client's browser reaches it", async () => {
    const browser = newBrowser(t);
    const authorize = await browser.get(AUTHORIZE);
    assert.equal(authorize.statusCode, 303, authorize.body);
    const interaction = String(authorize.headers.location);
    assert.match(interaction, /^\/application\/o\/interaction\/[^/]+\/$/);
    const toSignIn = await browser.get(interaction);
    assert.equal(toSignIn.statusCode, 302);
    const signIn = await browser.get(String(toSignIn.headers.location));
    assert.equal(signIn.statusCode, 200);
    assert.equal(LEAD.exec(signIn.body)?.[1], 'Wiki &lt;&amp;&gt; &quot;team&quot;', 'named, escaped');
  });

  it('names the application of an authorize request and of an RAC launch; an unknown one is none', async () => {
    assert.equal(LEAD.exec(await signInPage(AUTHORIZE))?.[1], 'Wiki &lt;&amp;&gt; &quot;team&quot;');
    assert.equal(
      LEAD.exec(await signInPage('/application/rac/wiki/desktop/'))?.[1],
      'Wiki &lt;&amp;&gt; &quot;team&quot;',
    );
    for (const next of [
      '/application/o/authorize/?client_id=nobody',
      '/application/o/interaction/no-such-interaction/',
      '/application/rac/nothing/desktop/',
    ])
      assert.doesNotMatch(await signInPage(next), /sign-in-application/, next);
  });
});
