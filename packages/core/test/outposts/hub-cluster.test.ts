import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { OutpostInstruction } from '@palisade/schema';
import type { Database } from '../../src/db/database.ts';
import { openServerDatabase } from '../../src/db/server.ts';
import { createSecretBox, sha256Hex } from '../../src/identity/secret-box.ts';
import { createSession } from '../../src/identity/sessions-repository.ts';
import { insertUser } from '../../src/identity/users-repository.ts';
import { type ServerChild, startPalisadeServer } from '../cli/palisade-process.ts';
import { createServerTestDatabaseUrl, POSTGRES_SKIP_REASON } from '../support/databases.ts';
import {
  connectInstance,
  insertTestOutpost,
  outpostSocketUrl,
  type TestInstance,
  type TestOutpost,
} from '../support/outposts.ts';

const adminUrl = process.env.PALISADE_TEST_POSTGRESQL_URL;

// Two core processes on one PostgreSQL server: what one of them changes reaches an outpost connected to the
// other, through LISTEN/NOTIFY. PGlite belongs to one process, so this needs a real server.
describe('outpost hub across two core processes on one PostgreSQL', { skip: POSTGRES_SKIP_REASON }, () => {
  const secretKey = randomBytes(32).toString('hex');
  const adminToken = randomBytes(24).toString('hex');
  let database: { url: string; drop(): Promise<void> };
  let db: Database;
  let a: ServerChild;
  let b: ServerChild;
  let outpost: TestOutpost;
  let instance: TestInstance;
  let providerPk: number;

  const callA = async (method: string, path: string, body?: unknown) =>
    fetch(`${a.url}/api/v3${path}`, {
      method,
      headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });

  before(async () => {
    database = await createServerTestDatabaseUrl(adminUrl ?? '');
    const env = {
      PALISADE_DATABASE_URL: database.url,
      PALISADE_SECRET_KEY: secretKey,
      PALISADE_BOOTSTRAP_TOKEN: adminToken,
    };
    // One after the other: the first migrates and creates akadmin, the second finds it all done.
    a = await startPalisadeServer(env);
    b = await startPalisadeServer(env);
    db = await openServerDatabase(database.url);
    const flows = (await (await callA('GET', '/flows/instances/?page_size=100')).json()) as {
      results: Array<{ slug: string; pk: string }>;
    };
    const flow = (slug: string) => flows.results.find((f) => f.slug === slug)?.pk;
    const created = await callA('POST', '/providers/oauth2/', {
      name: 'cluster',
      authorization_flow: flow('default-provider-authorization-implicit-consent'),
      invalidation_flow: flow('default-invalidation-flow'),
      redirect_uris: [{ matching_mode: 'strict', url: 'https://app.example.com/cb' }],
    });
    assert.equal(created.status, 201, await created.clone().text());
    providerPk = ((await created.json()) as { pk: number }).pk;
    outpost = await insertTestOutpost(db, createSecretBox(secretKey), 'cluster', [providerPk]);
    instance = await connectInstance(outpostSocketUrl(b.url, outpost.uuid, 'on-b'), {
      authorization: `Bearer ${outpost.token}`,
    });
    instance.sendJson({ instruction: OutpostInstruction.HELLO, args: { hostname: 'b-side' } });
    await instance.waitFor((f) => f.instruction === OutpostInstruction.ACK);
  });
  after(async () => {
    await instance?.close();
    await db?.close();
    await a?.stop();
    await b?.stop();
    await database?.drop();
  });

  it('sends TRIGGER_UPDATE to an instance on process B when a provider changes through process A', async () => {
    const res = await callA('PATCH', `/providers/oauth2/${providerPk}/`, { name: 'cluster renamed' });
    assert.equal(res.status, 200);
    const update = await instance.waitFor((f) => f.instruction === OutpostInstruction.TRIGGER_UPDATE);
    assert.deepEqual(update, { instruction: 2, args: {} });
  });

  it('sends SESSION_END to an instance on process B when process A ends a session', async () => {
    const user = await insertUser(db, { username: 'dana' });
    const { cookieValue } = await createSession(db, {
      userId: user.id,
      maxAgeSeconds: 3600,
      clientAddress: '',
      userAgent: 'test',
    });
    // Deactivating a user ends every session of it (sessions/end-session.ts).
    const res = await callA('PATCH', `/core/users/${user.id}/`, { is_active: false });
    assert.equal(res.status, 200, await res.clone().text());
    const ended = await instance.waitFor((f) => f.instruction === OutpostInstruction.SESSION_END);
    assert.deepEqual(ended.args, { type: 'event.session.end', session_id: sha256Hex(cookieValue) });
  });

  it('asks its instances to refresh when its listening connection came back, since updates may be lost', async () => {
    const before = instance.count(OutpostInstruction.TRIGGER_UPDATE);
    await db.query(
      `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
       WHERE datname = current_database() AND query LIKE 'LISTEN%'`,
    );
    await instance.waitFor(() => instance.count(OutpostInstruction.TRIGGER_UPDATE) > before, {
      timeoutMs: 10_000,
    });
    // And the bus works again: a change through A still reaches B.
    const count = instance.count(OutpostInstruction.TRIGGER_UPDATE);
    await callA('PATCH', `/providers/oauth2/${providerPk}/`, { name: 'cluster again' });
    await instance.waitFor(() => instance.count(OutpostInstruction.TRIGGER_UPDATE) > count);
  });

  it('closes the websocket and exits cleanly on SIGTERM', async () => {
    const closed = new Promise<number>((resolve) => instance.ws.once('close', resolve));
    assert.equal(await b.stop(), 0);
    assert.equal(await closed, 1001);
  });
});
