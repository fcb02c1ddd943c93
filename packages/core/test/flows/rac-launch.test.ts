import assert from 'node:assert/strict';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Fastify from 'fastify';
import { findUserByUsername } from '../../src/identity/users-repository.ts';
import { racInterfaceRoutes } from '../../src/routes/rac-interface.ts';
import { apiClient } from '../support/api-client.ts';
import type { TestApp } from '../support/app.ts';
import { BrowserSession } from '../support/browser-session.ts';
import { testBackends } from '../support/databases.ts';
import { flowPks } from '../support/flows.ts';
import { createFlowApp, insertUserWithPassword, newBrowser, SIGN_IN } from './flow-app.ts';

const TOKEN_PAGE = /^\/if\/rac\/([A-Za-z0-9_-]{43})\/$/;

for (const backend of testBackends()) {
  describe(`RAC launch on ${backend.name}`, () => {
    let t: TestApp;
    let api: ReturnType<typeof apiClient>;
    let flows: Record<string, string>;
    let providerPk: number;
    let distDir: string;
    const endpoints: Record<string, string> = {};
    before(async () => {
      t = await createFlowApp(backend);
      api = apiClient(t.app, t.adminHeaders);
      flows = await flowPks(api);
      const provider = await api.post('/api/v3/providers/rac/', {
        name: 'Launch provider',
        authorization_flow: flows['default-provider-authorization-implicit-consent'],
        connection_expiry: 'minutes=5',
      });
      assert.equal(provider.statusCode, 201, provider.body);
      providerPk = (provider.json() as { pk: number }).pk;
      const app = await api.post('/api/v3/core/applications/', {
        name: 'Desktops',
        slug: 'desktops',
        provider: providerPk,
      });
      assert.equal(app.statusCode, 201, app.body);
      for (const [name, maximum] of [
        ['single', 1],
        ['open', -1],
        ['guarded', -1],
      ] as const) {
        const res = await api.post('/api/v3/rac/endpoints/', {
          name,
          provider: providerPk,
          protocol: 'vnc',
          auth_mode: 'static',
          host: `${name}.internal:5900`,
          maximum_connections: maximum,
        });
        assert.equal(res.statusCode, 201, res.body);
        endpoints[name] = (res.json() as { pk: string }).pk;
      }
      for (const name of ['rac-user', 'rac-other']) {
        await insertUserWithPassword(t, { username: name, email: `${name}@example.com` }, `${name}-password`);
      }
      distDir = await mkdtemp(join(tmpdir(), 'rac-dist-'));
      await mkdir(join(distDir, 'rac'));
      await writeFile(join(distDir, 'rac', 'index.html'), '<!doctype html><title>rac page</title>');
    });
    after(async () => {
      await t.close();
      await rm(distDir, { recursive: true, force: true });
    });

    const signedIn = async (username: string) => {
      const browser = newBrowser(t);
      const res = await browser.submit(SIGN_IN, { uid_field: username, password: `${username}-password` });
      assert.equal(res.statusCode, 303, res.body);
      return browser;
    };
    const launchUrl = (endpoint: string, app = 'desktops') =>
      `/application/rac/${app}/${endpoints[endpoint]}/`;
    const launch = async (browser: BrowserSession, endpoint: string) => browser.get(launchUrl(endpoint));
    const tokenOf = (res: { statusCode: number; headers: Record<string, unknown>; body: string }) => {
      assert.equal(res.statusCode, 302, res.body);
      const match = TOKEN_PAGE.exec(String(res.headers.location));
      assert.ok(match?.[1], String(res.headers.location));
      return match[1];
    };

    it('sends a visitor without a session to sign in, and back to the launch', async () => {
      const res = await newBrowser(t).get(launchUrl('open'));
      assert.equal(res.statusCode, 302);
      assert.equal(res.headers.location, `${SIGN_IN}?next=${encodeURIComponent(launchUrl('open'))}`);
    });

    it('runs the flow, then creates a token expiring after connection_expiry, records the event, opens the page', async () => {
      const browser = await signedIn('rac-user');
      const before = Date.now();
      const token = tokenOf(await launch(browser, 'open'));
      const rows = await t.db.query<{ expires: Date; endpoint_uuid: string; user_id: number }>(
        `SELECT t.expires, t.endpoint_uuid, s.user_id FROM rac_connection_tokens t
         JOIN sessions s ON s.uuid = t.session_uuid WHERE t.token_digest = $1`,
        [t.ctx.box.digest(token)],
      );
      assert.equal(rows.length, 1);
      const user = await findUserByUsername(t.db, 'rac-user');
      assert.equal(rows[0]?.user_id, user?.id);
      assert.equal(rows[0]?.endpoint_uuid, endpoints.open);
      const lifetime = new Date(rows[0]?.expires ?? 0).getTime() - before;
      assert.ok(lifetime > 290_000 && lifetime < 310_000, `expires in ${lifetime} ms, not 5 minutes`);
      const events = (await api.get('/api/v3/events/events/?action=authorize_application')).json() as {
        results: Array<{ user: { username: string }; context: { connection_token_uuid?: string } }>;
      };
      assert.ok(
        events.results.some((e) => e.user.username === 'rac-user' && e.context.connection_token_uuid),
      );
      // The page: for this session, the built rac/index.html; another session or an unknown token: ended.
      const pages = Fastify();
      await pages.register(racInterfaceRoutes(t.ctx, distDir));
      const onPage = new BrowserSession(pages);
      for (const [name, value] of browser.cookies) onPage.cookies.set(name, value);
      const shown = await onPage.get(`/if/rac/${token}/`);
      assert.equal(shown.statusCode, 200, shown.body);
      assert.match(shown.body, /rac page/);
      assert.match(String(shown.headers['content-security-policy']), /connect-src 'self'/);
      const other = new BrowserSession(pages);
      for (const [name, value] of (await signedIn('rac-other')).cookies) other.cookies.set(name, value);
      const foreign = await other.get(`/if/rac/${token}/`);
      assert.equal(foreign.statusCode, 404);
      assert.match(foreign.body, /rac-ended/);
      assert.equal((await onPage.get(`/if/rac/${'x'.repeat(43)}/`)).statusCode, 404);
      await pages.close();
    });

    it('enforces the connection limit with the reference messages', async () => {
      const first = await signedIn('rac-user');
      tokenOf(await launch(first, 'single'));
      const sameTab = await launch(first, 'single');
      assert.equal(sameTab.statusCode, 403);
      assert.match(sameTab.body, /Maximum connection limit reached\./);
      assert.match(sameTab.body, /\(You are already connected in another tab\/window\)/);
      const elsewhere = await launch(await signedIn('rac-other'), 'single');
      assert.equal(elsewhere.statusCode, 403);
      assert.match(elsewhere.body, /Maximum connection limit reached\./);
      assert.doesNotMatch(elsewhere.body, /already connected/);
      const count = await t.db.query('SELECT 1 FROM rac_connection_tokens WHERE endpoint_uuid = $1', [
        endpoints.single,
      ]);
      assert.equal(count.length, 1, 'a refused launch makes no token');
    });

    it("checks the application's and the endpoint's policy bindings", async () => {
      const other = await findUserByUsername(t.db, 'rac-other');
      const bound = await api.post('/api/v3/policies/bindings/', {
        target: endpoints.guarded,
        user: other?.id,
        order: 0,
      });
      assert.equal(bound.statusCode, 201, bound.body);
      const refused = await launch(await signedIn('rac-user'), 'guarded');
      assert.equal(refused.statusCode, 403);
      assert.match(refused.body, /not allowed to open this endpoint/);
      tokenOf(await launch(await signedIn('rac-other'), 'guarded'));
    });

    it('answers 404 for an endpoint of another application, a bad uuid or an unknown application', async () => {
      const browser = await signedIn('rac-user');
      const otherProvider = await api.post('/api/v3/providers/rac/', {
        name: 'Other launch provider',
        authorization_flow: flows['default-provider-authorization-implicit-consent'],
      });
      const otherApp = await api.post('/api/v3/core/applications/', {
        name: 'Other',
        slug: 'other-desktops',
        provider: (otherProvider.json() as { pk: number }).pk,
      });
      assert.equal(otherApp.statusCode, 201, otherApp.body);
      assert.equal((await browser.get(launchUrl('open', 'other-desktops'))).statusCode, 404);
      assert.equal((await browser.get('/application/rac/desktops/not-a-uuid/')).statusCode, 404);
      assert.equal((await browser.get(launchUrl('open', 'nope'))).statusCode, 404);
    });

    it("runs the provider's own authorization flow stage by stage before the final stage", async () => {
      const flow = await api.post('/api/v3/flows/instances/', {
        slug: 'rac-reauth',
        name: 'RAC re-authentication',
        title: 'Confirm it is you',
        designation: 'authorization',
      });
      assert.equal(flow.statusCode, 201, flow.body);
      const stage = await api.post('/api/v3/stages/password/', {
        name: 'rac-reauth-password',
        backends: ['authentik.core.auth.InbuiltBackend'],
      });
      assert.equal(stage.statusCode, 201, stage.body);
      const binding = await api.post('/api/v3/flows/bindings/', {
        target: (flow.json() as { pk: string }).pk,
        stage: (stage.json() as { pk: string }).pk,
        order: 10,
      });
      assert.equal(binding.statusCode, 201, binding.body);
      const changed = await api.patch(`/api/v3/providers/rac/${providerPk}/`, {
        authorization_flow: (flow.json() as { pk: string }).pk,
      });
      assert.equal(changed.statusCode, 200, changed.body);
      try {
        const browser = await signedIn('rac-user');
        const asked = await launch(browser, 'open');
        assert.equal(asked.statusCode, 200, asked.body);
        assert.match(asked.body, /name="password"/);
        assert.match(asked.body, new RegExp(`action="${launchUrl('open')}"`));
        const wrong = await browser.submit(launchUrl('open'), { password: 'not-it' });
        assert.equal(wrong.statusCode, 200);
        assert.doesNotMatch(String(wrong.headers.location ?? ''), TOKEN_PAGE);
        tokenOf(await browser.submit(launchUrl('open'), { password: 'rac-user-password' }));
        const denyStage = await api.post('/api/v3/stages/deny/', {
          name: 'rac-deny',
          deny_message: 'No desks.',
        });
        await api.post('/api/v3/flows/bindings/', {
          target: (flow.json() as { pk: string }).pk,
          stage: (denyStage.json() as { pk: string }).pk,
          order: 5,
        });
        const denied = await launch(browser, 'open');
        assert.equal(denied.statusCode, 403);
        assert.match(denied.body, /No desks\./);
      } finally {
        await api.patch(`/api/v3/providers/rac/${providerPk}/`, {
          authorization_flow: flows['default-provider-authorization-implicit-consent'],
        });
      }
    });
  });
}
