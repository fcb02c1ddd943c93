import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { rotateDueTokens } from '../../src/integrations/runtime.ts';
import { finishRotation } from '../../src/integrations/token-rotation.ts';
import { apiClient } from '../support/api-client.ts';
import { createTestApp, type TestApp } from '../support/app.ts';
import { testBackends } from '../support/databases.ts';
import { insertTestProvider } from '../support/outposts.ts';

/**
 * The token rotation API and schedule shared by the Docker and Kubernetes integrations, without a daemon
 * (no integration runs here, so nothing rolls: outpost-rotation.test.ts rolls a real container).
 */
for (const backend of testBackends()) {
  describe(`outpost token rotation: the API and the schedule, on ${backend.name}`, () => {
    let t: TestApp;
    let api: ReturnType<typeof apiClient>;
    let connection: string;
    let ldap: number;
    before(async () => {
      t = await createTestApp(backend);
      api = apiClient(t.app, t.adminHeaders);
      const res = await api.post('/api/v3/outposts/service_connections/docker/', {
        name: 'Unreachable daemon',
        url: 'unix:///nonexistent/docker.sock',
      });
      assert.equal(res.statusCode, 201, res.body);
      connection = (res.json() as { pk: string }).pk;
      ldap = await insertTestProvider(t.db, 'ldap', 'Rotation');
    });
    after(() => t.close());

    const createOutpost = async (name: string, serviceConnection: string | null) => {
      const res = await api.post('/api/v3/outposts/instances/', {
        name,
        type: 'ldap',
        providers: [ldap],
        service_connection: serviceConnection,
        config: {},
      });
      assert.equal(res.statusCode, 201, res.body);
      return res.json() as { pk: string; token_identifier: string };
    };
    const rotate = (uuid: string, headers = t.adminHeaders) =>
      t.app.inject({ method: 'POST', url: `/api/v3/outposts/instances/${uuid}/rotate_token/`, headers });
    const keyOf = async (identifier: string) =>
      ((await api.get(`/api/v3/core/tokens/${identifier}/view_key/`)).json() as { key: string }).key;
    const asOutpost = (key: string) =>
      t.app.inject({ url: '/api/v3/outposts/instances/', headers: { authorization: `Bearer ${key}` } });
    const ageToken = (identifier: string, days: number) =>
      t.db.query(`UPDATE tokens SET created = now() - make_interval(days => $2::int) WHERE identifier = $1`, [
        identifier,
        days,
      ]);
    const isRotating = async (uuid: string) =>
      (await t.db.query('SELECT 1 FROM outpost_token_rotations WHERE outpost_uuid = $1', [uuid])).length > 0;

    it('rotates a Docker outpost on request: both keys work until the roll ends, then only the new one', async () => {
      const outpost = await createOutpost('Docker rotating', connection);
      const oldKey = await keyOf(outpost.token_identifier);
      const res = await rotate(outpost.pk);
      assert.equal(res.statusCode, 200, res.body);
      assert.deepEqual(res.json(), {
        outpost: outpost.pk,
        token_identifier: outpost.token_identifier,
        retiring_token_identifier: `${outpost.token_identifier}-retiring`,
      });
      const newKey = await keyOf(outpost.token_identifier);
      assert.notEqual(newKey, oldKey);
      assert.equal((await asOutpost(oldKey)).statusCode, 200, 'the running container keeps working');
      assert.equal((await asOutpost(newKey)).statusCode, 200);
      const again = await rotate(outpost.pk);
      assert.equal(again.statusCode, 400, 'one rotation at a time');
      await finishRotation(t.ctx, outpost.pk);
      assert.equal((await asOutpost(oldKey)).statusCode, 403);
      assert.equal((await asOutpost(newKey)).statusCode, 200);
    });

    it('refuses what it cannot roll, unknown outposts and callers who are not administrators', async () => {
      const manual = await createOutpost('Manual', null);
      const refused = await rotate(manual.pk);
      assert.equal(refused.statusCode, 400, refused.body);
      assert.ok((refused.json() as Record<string, unknown>).service_connection, refused.body);
      assert.equal(await isRotating(manual.pk), false);
      assert.equal((await rotate('00000000-0000-4000-8000-000000000000')).statusCode, 404);
      assert.equal((await rotate('not-a-uuid')).statusCode, 400);
      const outpost = await createOutpost('Not yours', connection);
      assert.equal((await rotate(outpost.pk, {})).statusCode, 403);
      const ownKey = await keyOf(outpost.token_identifier);
      assert.equal((await rotate(outpost.pk, { authorization: `Bearer ${ownKey}` })).statusCode, 403);
      assert.equal(await isRotating(outpost.pk), false);
    });

    it('rotates on schedule the tokens of deployed outposts once they are outposts.token_rotation_days old', async () => {
      assert.equal(t.ctx.config.outposts.token_rotation_days, 30, 'the default');
      const due = await createOutpost('Due', connection);
      const fresh = await createOutpost('Fresh', connection);
      const manual = await createOutpost('Manual and old', null);
      await ageToken(due.token_identifier, 31);
      await ageToken(fresh.token_identifier, 29);
      await ageToken(manual.token_identifier, 90);
      await rotateDueTokens(t.ctx);
      assert.equal(await isRotating(due.pk), true, 'old enough');
      assert.equal(await isRotating(fresh.pk), false, 'not old enough');
      assert.equal(await isRotating(manual.pk), false, 'no integration to roll it');
      const tasks = (await api.get('/api/v3/tasks/tasks/?actor_name=outpost_token_rotation')).json() as {
        results: Array<{ logs: Array<{ event: string }> }>;
      };
      assert.ok(
        tasks.results[0]?.logs.some((m) => m.event === `Started the token rotation of outpost ${due.pk}.`),
        JSON.stringify(tasks.results),
      );
    });

    it('rotates nothing on schedule with outposts.token_rotation_days 0', async () => {
      const off = await createTestApp(backend, { PALISADE_OUTPOSTS__TOKEN_ROTATION_DAYS: '0' });
      try {
        const res = await apiClient(off.app, off.adminHeaders).post(
          '/api/v3/outposts/service_connections/docker/',
          {
            name: 'Daemon',
            url: 'unix:///nonexistent/docker.sock',
          },
        );
        const provider = await insertTestProvider(off.db, 'ldap', 'Off');
        const created = await apiClient(off.app, off.adminHeaders).post('/api/v3/outposts/instances/', {
          name: 'Old',
          type: 'ldap',
          providers: [provider],
          service_connection: (res.json() as { pk: string }).pk,
          config: {},
        });
        assert.equal(created.statusCode, 201, created.body);
        const outpost = created.json() as { pk: string; token_identifier: string };
        await off.db.query("UPDATE tokens SET created = now() - interval '400 days' WHERE identifier = $1", [
          outpost.token_identifier,
        ]);
        await rotateDueTokens(off.ctx);
        assert.equal(
          (await off.db.query('SELECT 1 FROM tokens WHERE identifier = $1', [outpost.token_identifier]))
            .length,
          1,
          'the old token is there to be found',
        );
        const rows = await off.db.query('SELECT 1 FROM outpost_token_rotations');
        assert.equal(rows.length, 0);
      } finally {
        await off.close();
      }
    });
  });
}
