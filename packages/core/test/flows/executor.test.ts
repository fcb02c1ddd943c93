import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { apiClient } from '../support/api-client.ts';
import type { TestApp } from '../support/app.ts';
import { testBackends } from '../support/databases.ts';
import { OutpostFlowClient } from '../support/outpost-flow-client.ts';
import { insertTestOutpost, type TestOutpost } from '../support/outposts.ts';
import { createFlowApp, insertUserWithPassword } from './flow-app.ts';

const DEFAULT = 'default-authentication-flow';
const MARKER = `?query=${encodeURIComponent('goauthentik.io/outpost/ldap=true')}`;

async function count(t: TestApp, table: string): Promise<number> {
  const rows = await t.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`);
  return rows[0]?.n ?? 0;
}

for (const backend of testBackends()) {
  describe(`flow executor driven like the reference outposts on ${backend.name}`, () => {
    let t: TestApp;
    let outpost: TestOutpost;
    let addresses = 0;
    /** An outpost's executor client for a fresh end-client address (each test counts under its own). */
    const viaOutpost = (address = `198.51.100.${(addresses += 1)}`) =>
      new OutpostFlowClient(t.app, {
        'x-authentik-outpost-token': outpost.token,
        'x-authentik-remote-ip': address,
        'user-agent': 'goauthentik.io/outpost/2026.5.0',
      });

    before(async () => {
      t = await createFlowApp(backend);
      outpost = await insertTestOutpost(t.db, t.ctx.box, 'ldap-outpost');
      for (const name of ['alice', 'bob', 'carol', 'dave'])
        await insertUserWithPassword(t, { username: name, email: `${name}@example.test` }, `${name}-pw-123`);
      const api = apiClient(t.app, t.adminHeaders);
      // A bind flow as an LDAP provider's admin builds it: outposts only, the password asked as its own stage.
      const flow = await api.post('/api/v3/flows/instances/', {
        slug: 'ldap-bind',
        name: 'LDAP bind',
        title: 'LDAP',
        designation: 'authentication',
        authentication: 'require_outpost',
      });
      const flowPk = (flow.json() as { pk: string }).pk;
      const stages = [
        ['identification', { name: 'ldap-id', user_fields: ['username', 'email'] }],
        ['password', { name: 'ldap-password' }],
        ['user_login', { name: 'ldap-login', remember_me_offset: 'hours=1' }],
      ] as const;
      for (const [i, [kind, body]] of stages.entries()) {
        const stage = (await api.post(`/api/v3/stages/${kind}/`, body)).json() as { pk: string };
        const bound = await api.post('/api/v3/flows/bindings/', {
          target: flowPk,
          stage: stage.pk,
          order: i,
        });
        assert.equal(bound.statusCode, 201, bound.body);
      }
    });
    after(() => t.close());

    it('signs in through the default flow: identification with the password inline, then a redirect', async () => {
      const client = viaOutpost('203.0.113.10');
      const outcome = await client.run(DEFAULT, 'alice', 'alice-pw-123');
      assert.deepEqual(outcome, {
        ok: true,
        components: ['ak-stage-identification', 'xak-flow-redirect'],
        last: outcome.last,
      });
      const cookie = client.cookies.get('authentik_session');
      assert.ok(cookie, 'the reference outposts keep only authentik_session');
      const expires = /Expires=([^;]+)/.exec(cookie.line)?.[1];
      assert.ok(expires && Date.parse(expires) > Date.now() + 3600_000, `Expires is set: ${cookie.line}`);
      const sessions = await t.db.query<{ client_address: string }>(
        `SELECT s.client_address FROM sessions s JOIN users u ON u.id = s.user_id WHERE u.username = 'alice'`,
      );
      assert.deepEqual(
        sessions.map((s) => s.client_address),
        ['203.0.113.10'],
        'the session records the end client, not the outpost',
      );
      // The same client's follow-up calls are the user's: /core/users/me/ by that cookie alone.
      const me = await client.request('GET', '/api/v3/core/users/me/');
      assert.equal((me.json() as { user: { username: string } }).user.username, 'alice');
    });

    it('runs a separate password stage and the user-login question, in the bound order', async () => {
      const outcome = await viaOutpost().run('ldap-bind', 'bob@example.test', 'bob-pw-123');
      assert.equal(outcome.ok, true, outcome.error);
      assert.deepEqual(outcome.components, [
        'ak-stage-identification',
        'ak-stage-password',
        'ak-stage-user-login',
        'xak-flow-redirect',
      ]);
      const { pending_user: pendingUser } = outcome.last;
      assert.equal(pendingUser, undefined, 'a redirect carries no user');
    });

    it('refuses a wrong password with response_errors and starts no session', async () => {
      const before = await count(t, 'sessions');
      const client = viaOutpost();
      const outcome = await client.run('ldap-bind', 'carol', 'wrong');
      assert.equal(outcome.ok, false);
      // The password challenge comes back with the error, which ends the outpost's attempt.
      assert.deepEqual(outcome.components, [
        'ak-stage-identification',
        'ak-stage-password',
        'ak-stage-password',
      ]);
      assert.equal(outcome.error, 'flow error password');
      assert.equal(client.cookies.has('authentik_session'), false);
      assert.equal(await count(t, 'sessions'), before);
    });

    it('lets only a verified outpost run a flow that requires one, marker and token together', async () => {
      const markerOnly = new OutpostFlowClient(t.app, { 'x-authentik-remote-ip': '198.51.100.200' });
      const refused = await markerOnly.run('ldap-bind', 'alice', 'alice-pw-123');
      assert.equal(refused.ok, false);
      assert.deepEqual(refused.components, ['ak-stage-access-denied']);
      const forged = new OutpostFlowClient(t.app, { 'x-authentik-outpost-token': 'not-a-token' });
      assert.deepEqual((await forged.run('ldap-bind', 'alice', 'alice-pw-123')).components, [
        'ak-stage-access-denied',
      ]);
      // A valid api token of an ordinary user is no outpost's either.
      const admin = new OutpostFlowClient(t.app, { 'x-authentik-outpost-token': t.adminToken });
      assert.equal((await admin.run('ldap-bind', 'alice', 'alice-pw-123')).ok, false);
      const noMarker = viaOutpost();
      const res = await noMarker.request('GET', `/api/v3/flows/executor/ldap-bind/?query=`);
      assert.equal((res.json() as { component: string }).component, 'ak-stage-access-denied');
      assert.equal((await viaOutpost().run('ldap-bind', 'alice', 'alice-pw-123', 'radius')).ok, true);
    });

    it('throttles per end-client address and per account, never per outpost', async () => {
      const attacker = '203.0.113.66';
      // Six failures (the address limit in these tests) under one end-client address, each for another name.
      for (let i = 0; i < 6; i += 1) await viaOutpost(attacker).run(DEFAULT, `nobody-${i}`, 'guess');
      const locked = await viaOutpost(attacker).run(DEFAULT, 'dave', 'dave-pw-123');
      assert.equal(locked.ok, false, 'the address is throttled');
      const throttled = (locked.last.response_errors as Record<string, Array<{ code: string }>>)
        .non_field_errors;
      assert.equal(throttled?.[0]?.code, 'throttled');
      // The same outpost, another end client: not throttled.
      assert.equal((await viaOutpost('203.0.113.67').run(DEFAULT, 'dave', 'dave-pw-123')).ok, true);
      // Without the outpost token the address header is ignored: a caller cannot pick a clean address,
      // nor blame the locked one (this caller counts under its own address and signs in).
      const spoof = new OutpostFlowClient(t.app, { 'x-authentik-remote-ip': attacker });
      assert.equal((await spoof.run(DEFAULT, 'dave', 'dave-pw-123')).ok, true);
      // Per account: three failures for carol from three addresses lock carol everywhere.
      for (const n of [1, 2, 3]) await viaOutpost(`192.0.2.${n}`).run(DEFAULT, 'carol', 'nope');
      assert.equal((await viaOutpost('192.0.2.99').run(DEFAULT, 'carol', 'carol-pw-123')).ok, false);
    });

    it('warms a flow with a GET that stores no login session and no flow session', async () => {
      const sessions = await count(t, 'sessions');
      const flowSessions = await count(t, 'flow_sessions');
      const warm = viaOutpost();
      const query = encodeURIComponent(
        'goauthentik.io/outpost/ldap=true&goauthentik.io/outpost/ldap-warmup=true',
      );
      const res = await warm.request('GET', `/api/v3/flows/executor/ldap-bind/?query=${query}`);
      assert.equal((res.json() as { component: string }).component, 'ak-stage-identification');
      assert.equal(await count(t, 'sessions'), sessions);
      assert.equal(await count(t, 'flow_sessions'), flowSessions);
      assert.equal(warm.cookies.has('authentik_session'), false);
    });
  });

  describe(`flow executor bad input on ${backend.name}`, () => {
    let t: TestApp;
    let outpost: TestOutpost;
    const url = `/api/v3/flows/executor/${DEFAULT}/${MARKER}`;
    const client = () => new OutpostFlowClient(t.app, { 'x-authentik-outpost-token': outpost.token });
    before(async () => {
      t = await createFlowApp(backend);
      outpost = await insertTestOutpost(t.db, t.ctx.box, 'ldap-outpost');
      await insertUserWithPassword(t, { username: 'erin' }, 'erin-pw-123');
    });
    after(() => t.close());

    const errorsOf = (res: { json(): unknown }) =>
      (res.json() as { response_errors?: Record<string, Array<{ code: string }>> }).response_errors ?? {};

    it('answers an answer for another stage, or an unknown component, with response_errors', async () => {
      const c = client();
      await c.request('GET', url);
      const wrong = await c.request('POST', url, { component: 'ak-stage-password', password: 'erin-pw-123' });
      assert.equal(wrong.statusCode, 200);
      assert.equal((wrong.json() as { component: string }).component, 'ak-stage-identification');
      assert.equal(errorsOf(wrong).component?.[0]?.code, 'wrong_stage');
      const unknown = await c.request('POST', url, { component: 'ak-stage-made-up' });
      assert.equal(errorsOf(unknown).component?.[0]?.code, 'invalid');
      assert.equal(c.cookies.has('authentik_session'), false);
    });

    it('refuses a replayed answer and any answer to an attempt that ended, with no new session', async () => {
      const c = client();
      await c.request('GET', url);
      const answer = { component: 'ak-stage-identification', uid_field: 'erin', password: 'erin-pw-123' };
      const done = await c.request('POST', url, answer);
      assert.equal((done.json() as { component: string }).component, 'xak-flow-redirect');
      const sessions = await count(t, 'sessions');
      const replay = await c.request('POST', url, answer);
      assert.equal((replay.json() as { component: string }).component, 'ak-stage-access-denied');
      assert.equal(await count(t, 'sessions'), sessions, 'a replay starts no session');
      // A GET after the end starts a new attempt under a new flow cookie.
      const again = await c.request('GET', url);
      assert.equal((again.json() as { component: string }).component, 'ak-stage-identification');
    });

    it('refuses oversized fields and bodies, bad JSON and a missing query, never with a 500', async () => {
      const c = client();
      const long = await c.request('POST', url, {
        component: 'ak-stage-identification',
        uid_field: 'x'.repeat(300),
        password: 'p',
      });
      assert.equal(errorsOf(long).non_field_errors?.[0]?.code, 'invalid');
      const huge = await c.request('POST', url, {
        component: 'ak-stage-identification',
        uid_field: 'x'.repeat(70_000),
      });
      assert.equal(huge.statusCode, 400);
      const typed = await c.request('POST', url, {
        component: 'ak-stage-identification',
        uid_field: 42,
        password: ['x'],
      });
      assert.equal(errorsOf(typed).non_field_errors?.[0]?.code, 'invalid');
      const notJson = await t.app.inject({
        method: 'POST',
        url,
        headers: { 'content-type': 'application/json' },
        payload: '{"component":',
      });
      assert.equal(notJson.statusCode, 400);
      const noComponent = await c.request('POST', url, { uid_field: 'erin' });
      assert.equal(noComponent.statusCode, 400);
      const noQuery = await t.app.inject({ method: 'GET', url: `/api/v3/flows/executor/${DEFAULT}/` });
      assert.equal(noQuery.statusCode, 400);
      const missing = await t.app.inject({
        method: 'GET',
        url: `/api/v3/flows/executor/no-such-flow/${MARKER}`,
      });
      assert.equal(missing.statusCode, 404);
      const badCookie = await t.app.inject({
        method: 'GET',
        url,
        headers: { cookie: 'palisade_flow=%zz; authentik_session=x' },
      });
      assert.equal(badCookie.statusCode, 200);
    });

    it('runs a flow whose stage kind this core does not know to a denial, never skipping it', async () => {
      const flow = (
        await t.db.query<{ uuid: string }>(`SELECT uuid FROM flows WHERE slug = $1`, [DEFAULT])
      )[0];
      const stage = (
        await t.db.query<{ uuid: string }>(
          `INSERT INTO stages (name, kind) VALUES ('future', 'authenticator_validate') RETURNING uuid`,
        )
      )[0];
      await t.db.query(
        `INSERT INTO flow_stage_bindings (flow_uuid, stage_uuid, "order") VALUES ($1, $2, 50)`,
        [flow?.uuid, stage?.uuid],
      );
      const outcome = await client().run(DEFAULT, 'erin', 'erin-pw-123');
      assert.equal(outcome.ok, false);
      assert.deepEqual(outcome.components, ['ak-stage-identification', 'ak-stage-access-denied']);
      await t.db.query(`DELETE FROM stages WHERE uuid = $1`, [stage?.uuid]);
    });
  });
}
