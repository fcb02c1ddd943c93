import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { OutpostInstruction } from '@palisade/schema';
import { queryOne } from '../../src/db/database.ts';
import { sha256Hex } from '../../src/identity/secret-box.ts';
import { findUserByUsername } from '../../src/identity/users-repository.ts';
import { outpostsAffectedBy } from '../../src/outposts/hub/changes.ts';
import { FLOW_ENV, insertUserWithPassword, newBrowser, SIGN_IN, SIGN_OUT } from '../flows/flow-app.ts';
import { apiClient } from '../support/api-client.ts';
import { createTestApp, type TestApp } from '../support/app.ts';
import { testBackends } from '../support/databases.ts';
import {
  bindProvider,
  connectInstance,
  insertTestOutpost,
  outpostSocketUrl,
  type TestInstance,
  type TestOutpost,
} from '../support/outposts.ts';

const { TRIGGER_UPDATE, SESSION_END, HELLO, ACK } = OutpostInstruction;

/** Waits until every frame the core wrote to `instance` before now has arrived: a HELLO's ACK comes after. */
async function barrier(instance: TestInstance): Promise<void> {
  const from = instance.frames.length;
  instance.sendJson({ instruction: HELLO, args: {} });
  await instance.waitFor((f) => f.instruction === ACK, { from });
}

/** Waits for the `n`th TRIGGER_UPDATE of an instance. */
async function nthUpdate(instance: TestInstance, n: number): Promise<void> {
  await instance.waitFor(() => instance.count(TRIGGER_UPDATE) >= n);
}

for (const backend of testBackends()) {
  describe(`outpost updates and session ends on ${backend.name}`, () => {
    let t: TestApp;
    let api: ReturnType<typeof apiClient>;
    let one: TestOutpost;
    let two: TestOutpost;
    let a1: TestInstance;
    let a2: TestInstance;
    let b1: TestInstance;
    const providers: Record<string, number> = {};

    async function createProvider(name: string): Promise<number> {
      const flows = (await api.get('/api/v3/flows/instances/?page_size=100')).json() as {
        results: Array<{ slug: string; pk: string }>;
      };
      const flow = (slug: string) => flows.results.find((f) => f.slug === slug)?.pk;
      const res = await api.post('/api/v3/providers/oauth2/', {
        name,
        authorization_flow: flow('default-provider-authorization-implicit-consent'),
        invalidation_flow: flow('default-invalidation-flow'),
        redirect_uris: [{ matching_mode: 'strict', url: `https://${name}.example.com/cb` }],
      });
      assert.equal(res.statusCode, 201, res.body);
      return (res.json() as { pk: number }).pk;
    }

    /** Checks the counts once the instances that must hear have heard and the others are drained. */
    async function expectUpdates(counts: [TestInstance, number][]): Promise<void> {
      for (const [instance, n] of counts) if (n > 0) await nthUpdate(instance, n);
      for (const [instance] of counts) await barrier(instance);
      assert.deepEqual(
        counts.map(([instance]) => instance.count(TRIGGER_UPDATE)),
        counts.map(([, n]) => n),
      );
    }

    before(async () => {
      t = await createTestApp(backend, FLOW_ENV);
      api = apiClient(t.app, t.adminHeaders);
      const base = await t.app.listen({ host: '127.0.0.1', port: 0 });
      for (const name of ['alpha', 'beta', 'gamma']) providers[name] = await createProvider(name);
      one = await insertTestOutpost(t.db, t.ctx.box, 'one', [providers.alpha ?? 0, providers.gamma ?? 0]);
      two = await insertTestOutpost(t.db, t.ctx.box, 'two', [providers.beta ?? 0]);
      const connect = (o: TestOutpost, uid: string) =>
        connectInstance(outpostSocketUrl(base, o.uuid, uid), { authorization: `Bearer ${o.token}` });
      [a1, a2, b1] = await Promise.all([connect(one, 'a1'), connect(one, 'a2'), connect(two, 'b1')]);
      await Promise.all([a1, a2, b1].map(barrier));
    });
    after(async () => {
      await Promise.all([a1, a2, b1].map((i) => i?.close()));
      await t.close();
    });

    it("sends TRIGGER_UPDATE for a provider change to that provider's outposts only", async () => {
      assert.equal(t.app.outpostHub.connectedInstances().get(one.uuid), 2);
      const patch = (pk: number | undefined, name: string) =>
        api.patch(`/api/v3/providers/oauth2/${pk}/`, { name });
      assert.equal((await patch(providers.alpha, 'alpha renamed')).statusCode, 200);
      await expectUpdates([
        [a1, 1],
        [a2, 1],
        [b1, 0],
      ]);
      assert.deepEqual(
        a1.frames.find((f) => f.instruction === TRIGGER_UPDATE),
        { instruction: 2, args: {} },
      );
      assert.equal((await patch(providers.beta, 'beta renamed')).statusCode, 200);
      await expectUpdates([
        [a1, 1],
        [a2, 1],
        [b1, 1],
      ]);
    });

    it("tells both the old and the new provider's outposts when an application moves", async () => {
      const created = await api.post('/api/v3/core/applications/', {
        name: 'Wiki',
        slug: 'wiki',
        provider: providers.alpha,
      });
      assert.equal(created.statusCode, 201, created.body);
      await expectUpdates([
        [a1, 2],
        [b1, 1],
      ]);
      const moved = await api.patch('/api/v3/core/applications/wiki/', { provider: providers.beta });
      assert.equal(moved.statusCode, 200, moved.body);
      await expectUpdates([
        [a1, 3],
        [b1, 2],
      ]);
      const renamed = await api.patch('/api/v3/core/applications/wiki/', { name: 'Wiki 2' });
      assert.equal(renamed.statusCode, 200);
      await expectUpdates([
        [a1, 3],
        [b1, 3],
      ]);
    });

    it("tells the application's outposts when its policy bindings change", async () => {
      const app = (await api.get('/api/v3/core/applications/wiki/')).json() as { pk: string };
      const admin = await findUserByUsername(t.db, 'akadmin');
      const created = await api.post('/api/v3/policies/bindings/', {
        target: app.pk,
        user: admin?.id,
        order: 0,
      });
      assert.equal(created.statusCode, 201, created.body);
      await expectUpdates([
        [a1, 3],
        [b1, 4],
      ]);
      const binding = (created.json() as { pk: string }).pk;
      assert.equal((await api.delete(`/api/v3/policies/bindings/${binding}/`)).statusCode, 204);
      await expectUpdates([
        [a1, 3],
        [b1, 5],
      ]);
    });

    it('still tells the outposts of a deleted application or provider', async () => {
      assert.equal((await api.delete('/api/v3/core/applications/wiki/')).statusCode, 204);
      await expectUpdates([
        [a1, 3],
        [b1, 6],
      ]);
      assert.equal((await api.delete(`/api/v3/providers/oauth2/${providers.gamma}/`)).statusCode, 204);
      await expectUpdates([
        [a1, 4],
        [b1, 6],
      ]);
      // The links went with the provider: only because it resolved first did outpost one hear.
      assert.deepEqual(await outpostsAffectedBy(t.db, { model: 'provider', pk: providers.gamma ?? 0 }), []);
    });

    it('resolves outposts, flows and certificate-key pairs to the outposts that use them', async () => {
      const flow = await queryOne<{ uuid: string }>(
        t.db,
        'SELECT authorization_flow AS uuid FROM providers WHERE id = $1',
        [providers.alpha],
      );
      assert.deepEqual(
        await outpostsAffectedBy(t.db, { model: 'flow', pk: flow?.uuid ?? '' }),
        [one.uuid, two.uuid].sort(),
      );
      const kp = await queryOne<{ kp_uuid: string }>(
        t.db,
        "INSERT INTO certificate_keypairs (name, certificate_data) VALUES ('kp', 'pem') RETURNING kp_uuid",
      );
      const keypair = { model: 'certificate_keypair', pk: kp?.kp_uuid ?? '' } as const;
      assert.deepEqual(await outpostsAffectedBy(t.db, keypair), []);
      await t.db.query('UPDATE oauth2_providers SET signing_key = $1 WHERE provider_id = $2', [
        kp?.kp_uuid,
        providers.beta,
      ]);
      assert.deepEqual(await outpostsAffectedBy(t.db, keypair), [two.uuid]);
      assert.deepEqual(await outpostsAffectedBy(t.db, { model: 'outpost', pk: one.uuid }), [one.uuid]);
      await bindProvider(t.db, one.uuid, providers.beta ?? 0);
      assert.deepEqual(await outpostsAffectedBy(t.db, keypair), [one.uuid, two.uuid].sort());
    });

    it('tells an outpost whose settings change (the embedded one, over its secret-key socket)', async () => {
      const embedded = await queryOne<{ uuid: string }>(
        t.db,
        "SELECT uuid FROM outposts WHERE managed = 'goauthentik.io/outposts/embedded'",
      );
      const base = `http://127.0.0.1:${(t.app.server.address() as { port: number }).port}`;
      const e1 = await connectInstance(outpostSocketUrl(base, embedded?.uuid ?? '', 'e1'), {
        authorization: `Bearer ${t.ctx.config.secret_key}`,
      });
      try {
        await barrier(e1);
        const before = b1.count(TRIGGER_UPDATE);
        const res = await api.patch(`/api/v3/outposts/instances/${embedded?.uuid}/`, {
          config: { log_level: 'debug' },
        });
        assert.equal(res.statusCode, 200, res.body);
        await expectUpdates([
          [e1, 1],
          [b1, before],
        ]);
      } finally {
        await e1.close();
      }
    });

    it('tells the outposts using a keypair when it changes', async () => {
      const [a, b] = [a1, b1].map((i) => i.count(TRIGGER_UPDATE));
      // The keypair of the previous tests signs beta, which both outposts serve by now.
      const kp = await queryOne<{ kp_uuid: string }>(
        t.db,
        "SELECT kp_uuid FROM certificate_keypairs WHERE name = 'kp'",
      );
      const renamed = await api.patch(`/api/v3/crypto/certificatekeypairs/${kp?.kp_uuid}/`, {
        name: 'kp renamed',
      });
      assert.equal(renamed.statusCode, 200, renamed.body);
      await expectUpdates([
        [a1, (a ?? 0) + 1],
        [b1, (b ?? 0) + 1],
      ]);
    });

    it("sends TRIGGER_UPDATE for an LDAP provider's change, and its certificate's, to its outposts only", async () => {
      const res = await api.post('/api/v3/providers/ldap/', {
        name: 'directory',
        authorization_flow: (
          await queryOne<{ uuid: string }>(
            t.db,
            "SELECT uuid FROM flows WHERE slug = 'default-authentication-flow'",
          )
        )?.uuid,
        invalidation_flow: (
          await queryOne<{ uuid: string }>(
            t.db,
            "SELECT uuid FROM flows WHERE slug = 'default-invalidation-flow'",
          )
        )?.uuid,
      });
      assert.equal(res.statusCode, 201, res.body);
      const ldap = (res.json() as { pk: number }).pk;
      await bindProvider(t.db, two.uuid, ldap);
      const [a, b] = [a1, b1].map((i) => i.count(TRIGGER_UPDATE) ?? 0);
      const patched = await api.patch(`/api/v3/providers/ldap/${ldap}/`, { base_dn: 'dc=changed,dc=test' });
      assert.equal(patched.statusCode, 200, patched.body);
      await expectUpdates([
        [a1, a ?? 0],
        [b1, (b ?? 0) + 1],
      ]);
      const keypair = await queryOne<{ kp_uuid: string }>(
        t.db,
        `INSERT INTO certificate_keypairs (name, certificate_data, key_data_sealed)
         VALUES ('ldap tls', '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----', $1) RETURNING kp_uuid`,
        [t.ctx.box.seal('-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----')],
      );
      await t.db.query('UPDATE ldap_providers SET certificate = $1 WHERE provider_id = $2', [
        keypair?.kp_uuid,
        ldap,
      ]);
      const renamed = await api.patch(`/api/v3/crypto/certificatekeypairs/${keypair?.kp_uuid}/`, {
        name: 'ldap tls renamed',
      });
      assert.equal(renamed.statusCode, 200, renamed.body);
      await expectUpdates([
        [a1, a ?? 0],
        [b1, (b ?? 0) + 2],
      ]);
    });

    it("sends SESSION_END with the session's digest to every instance when a user signs out", async () => {
      await insertUserWithPassword(t, { username: 'alice', email: 'alice@example.com' }, 'alice-password');
      const browser = newBrowser(t);
      const signIn = await browser.submit(SIGN_IN, { uid_field: 'alice', password: 'alice-password' });
      assert.equal(signIn.statusCode, 303);
      const cookie = browser.cookies.get('palisade_session');
      assert.ok(cookie);
      const signOut = await browser.submit(SIGN_OUT, {});
      assert.equal(signOut.statusCode, 303);
      const expected = { instruction: 4, args: { type: 'event.session.end', session_id: sha256Hex(cookie) } };
      for (const instance of [a1, a2, b1]) {
        assert.deepEqual(await instance.waitFor((f) => f.instruction === SESSION_END), expected);
      }
    });
  });
}
