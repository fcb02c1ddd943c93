import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { OutpostInstruction } from '@palisade/schema';
import { createSession } from '../../src/identity/sessions-repository.ts';
import { findUserByUsername } from '../../src/identity/users-repository.ts';
import { FLOW_ENV, insertUserWithPassword } from '../flows/flow-app.ts';
import { apiClient } from '../support/api-client.ts';
import { createTestApp, type TestApp } from '../support/app.ts';
import { testBackends } from '../support/databases.ts';
import {
  connectInstance,
  insertTestOutpost,
  outpostSocketUrl,
  type TestInstance,
  type TestOutpost,
} from '../support/outposts.ts';

const { SESSION_END, HELLO, ACK } = OutpostInstruction;

for (const backend of testBackends()) {
  describe(`SESSION_END replay to connecting outpost instances on ${backend.name}`, () => {
    let t: TestApp;
    let base = '';
    let userId = 0;
    let proxyOutpost: TestOutpost;
    let oauthOutpost: TestOutpost;
    const instances: TestInstance[] = [];

    async function createProvider(kind: 'proxy' | 'oauth2', name: string, validity: string): Promise<number> {
      const api = apiClient(t.app, t.adminHeaders);
      const flows = (await api.get('/api/v3/flows/instances/?page_size=100')).json() as {
        results: Array<{ slug: string; pk: string }>;
      };
      const flow = (slug: string) => flows.results.find((f) => f.slug === slug)?.pk;
      const res = await api.post(`/api/v3/providers/${kind}/`, {
        name,
        authorization_flow: flow('default-provider-authorization-implicit-consent'),
        invalidation_flow: flow('default-invalidation-flow'),
        access_token_validity: validity,
        ...(kind === 'proxy'
          ? { external_host: `https://${name}.example.com`, mode: 'forward_single' }
          : { redirect_uris: [{ matching_mode: 'strict', url: `https://${name}.example.com/cb` }] }),
      });
      assert.equal(res.statusCode, 201, res.body);
      return (res.json() as { pk: number }).pk;
    }

    /** A session of the test user that ended `secondsAgo` ago (null: still live); answers its key digest. */
    async function session(secondsAgo: number | null): Promise<string> {
      const { session } = await createSession(t.db, {
        userId,
        maxAgeSeconds: 86400,
        clientAddress: '',
        userAgent: '',
      });
      if (secondsAgo !== null)
        await t.db.query(
          'UPDATE sessions SET revoked_at = now() - make_interval(secs => $2) WHERE uuid = $1',
          [session.uuid, secondsAgo],
        );
      const rows = await t.db.query<{ key_digest: string }>(
        'SELECT key_digest FROM sessions WHERE uuid = $1',
        [session.uuid],
      );
      return rows[0]?.key_digest ?? '';
    }

    /** Connects an instance, says HELLO, and answers the SESSION_END ids that came before the first ACK. */
    async function connectAndListen(outpost: TestOutpost, uid: string): Promise<string[]> {
      const instance = await connectInstance(outpostSocketUrl(base, outpost.uuid, uid), {
        authorization: `Bearer ${outpost.token}`,
      });
      instances.push(instance);
      instance.sendJson({ instruction: HELLO, args: {} });
      await instance.waitFor((f) => f.instruction === ACK, { timeoutMs: 20_000 });
      const firstAck = instance.frames.findIndex((f) => f.instruction === ACK);
      const before = instance.frames.slice(0, firstAck);
      assert.ok(
        before.every((f) => f.instruction === SESSION_END && f.args?.type === 'event.session.end'),
        JSON.stringify(before.slice(0, 3)),
      );
      return before.map((f) => String(f.args?.session_id));
    }

    before(async () => {
      t = await createTestApp(backend, FLOW_ENV);
      base = await t.app.listen({ host: '127.0.0.1', port: 0 });
      await insertUserWithPassword(t, { username: 'rhea', email: 'rhea@example.com' }, 'pw-rhea-1');
      userId = (await findUserByUsername(t.db, 'rhea'))?.id ?? 0;
      // The longest lifetime decides: 30 minutes, not 5.
      const short = await createProvider('proxy', 'short', 'minutes=5');
      const long = await createProvider('proxy', 'long', 'minutes=30');
      proxyOutpost = await insertTestOutpost(t.db, t.ctx.box, 'proxies', [short, long]);
      oauthOutpost = await insertTestOutpost(t.db, t.ctx.box, 'no proxies', [
        await createProvider('oauth2', 'plain', 'hours=2'),
      ]);
    });
    after(async () => {
      await Promise.all(instances.map((i) => i.close()));
      await t.close();
    });

    it('replays, before the first ACK, the sessions ended within the longest token lifetime, newest first', async () => {
      const live = await session(null);
      const recent = await session(60);
      const within = await session(20 * 60);
      const tooOld = await session(31 * 60);
      const replayed = await connectAndListen(proxyOutpost, 'p1');
      assert.deepEqual(
        replayed.filter((id) => [live, recent, within, tooOld].includes(id)),
        [recent, within],
      );
    });

    it('replays nothing to an outpost without proxy providers', async () => {
      await session(60);
      assert.deepEqual(await connectAndListen(oauthOutpost, 'o1'), []);
    });

    it('sends a long replay in full, written batch by batch', async () => {
      const ended = new Set<string>();
      for (let i = 0; i < 700; i++) ended.add(await session(5 * 60));
      const replayed = new Set(await connectAndListen(proxyOutpost, 'p2'));
      for (const id of ended) assert.ok(replayed.has(id), `${id} was replayed`);
    });
  });
}
