import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { completeInitialSetup } from '../../src/flows/initial-setup.ts';
import { type RunningServer, startServer } from '../../src/server.ts';
import { testConfig } from '../support/app.ts';
import { createServerTestDatabaseUrl, POSTGRES_SKIP_REASON } from '../support/databases.ts';
import { OutpostFlowClient } from '../support/outpost-flow-client.ts';

const PASSWORD = 'correct horse battery';

describe(
  'login throttling across two core replicas on one PostgreSQL',
  { skip: POSTGRES_SKIP_REASON },
  () => {
    let database: { url: string; drop(): Promise<void> };
    let replicas: RunningServer[] = [];
    const signIn = (server: RunningServer, password: string) =>
      new OutpostFlowClient(server.app, {}).run('default-authentication-flow', 'akadmin', password);

    before(async () => {
      database = await createServerTestDatabaseUrl(process.env.PALISADE_TEST_POSTGRESQL_URL ?? '');
      const config = testConfig({
        PALISADE_LISTEN__HTTP: '127.0.0.1:0',
        PALISADE_DATABASE_URL: database.url,
        PALISADE_LOGIN__MAX_FAILURES_PER_USERNAME: '3',
        PALISADE_LOGIN__LOCKOUT_BASE_SECONDS: '300',
      });
      // One after the other, as a rolling start does: the second finds the database migrated.
      const first = await startServer(config);
      replicas = [first, await startServer(config)];
      await completeInitialSetup(first.ctx, { email: 'admin@example.com', password: PASSWORD });
    });
    after(async () => {
      for (const replica of replicas) await replica.close();
      await database?.drop();
    });

    it('locks an account on replica B after the failures made on replica A', async () => {
      const [a, b] = replicas as [RunningServer, RunningServer];
      assert.equal((await signIn(b, PASSWORD)).ok, true, 'B signs in before any failure');
      for (let i = 0; i < 3; i += 1) assert.equal((await signIn(a, 'wrong guess')).ok, false);
      // A notification takes milliseconds; wait until B has heard, at most a few seconds.
      const deadline = Date.now() + 5_000;
      let outcome = await signIn(b, PASSWORD);
      while (outcome.ok && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        outcome = await signIn(b, PASSWORD);
      }
      assert.equal(outcome.ok, false, 'even the right password is refused on B while the account is locked');
      assert.match(JSON.stringify(outcome.last.response_errors), /Too many/i);
    });
  },
);
