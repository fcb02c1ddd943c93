import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { OutpostInstruction } from '@palisade/schema';
import { insertToken, updateToken } from '../../src/identity/tokens-repository.ts';
import { findUserByUsername, updateUser } from '../../src/identity/users-repository.ts';
import { listLiveInstances } from '../../src/outposts/hub/instances-repository.ts';
import { createLogger } from '../../src/logging.ts';
import { createTestApp, type TestApp } from '../support/app.ts';
import { testBackends } from '../support/databases.ts';
import { captureLines } from '../support/log-capture.ts';
import {
  connectInstance,
  handshakeStatus,
  insertTestOutpost,
  outpostSocketUrl,
  type TestOutpost,
} from '../support/outposts.ts';

const HELLO = {
  instruction: OutpostInstruction.HELLO,
  args: {
    version: '2025.10.1',
    buildHash: 'abc123',
    golangVersion: 'go1.24.1',
    opensslEnabled: true,
    opensslVersion: 'OpenSSL 3.0.15',
    fipsEnabled: false,
    hostname: 'proxy-7f9c',
    uuid: 'instance-one',
    extra: { nested: 1 },
  },
};

for (const backend of testBackends()) {
  describe(`outpost websocket handshake and messages on ${backend.name}`, () => {
    let t: TestApp;
    let base: string;
    let outpost: TestOutpost;
    let other: TestOutpost;
    const logs = captureLines();
    const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

    before(async () => {
      t = await createTestApp(
        backend,
        {},
        {
          logger: createLogger('info', logs.stream),
          outpostHub: { pingIntervalMs: 200 },
        },
      );
      base = await t.app.listen({ host: '127.0.0.1', port: 0 });
      outpost = await insertTestOutpost(t.db, t.ctx.box, 'one');
      other = await insertTestOutpost(t.db, t.ctx.box, 'two');
    });
    after(() => t.close());

    const refusals = () => logs.lines().filter((l) => l.msg === 'outpost websocket refused');

    it('refuses a handshake without credentials, with a wrong token, or with a token that is not a bearer', async () => {
      const url = outpostSocketUrl(base, outpost.uuid);
      assert.equal(await handshakeStatus(url, {}), 401);
      assert.equal(await handshakeStatus(url, bearer('not-a-token')), 401);
      assert.equal(await handshakeStatus(url, { authorization: `Basic ${outpost.token}` }), 401);
      const reasons = refusals().map((l) => l.reason);
      assert.deepEqual(reasons.slice(-3), [
        'no authorization header',
        'unknown token',
        'authorization header is not a bearer token',
      ]);
    });

    it("refuses another outpost's token, and says nothing of outposts that do not exist", async () => {
      assert.equal(await handshakeStatus(outpostSocketUrl(base, outpost.uuid), bearer(other.token)), 403);
      assert.equal(await handshakeStatus(outpostSocketUrl(base, randomUUID()), bearer(other.token)), 403);
      assert.match(
        String(refusals().at(-1)?.reason),
        /neither this outpost's service account nor a superuser/,
      );
      // A superuser may connect to any outpost, so for it an unknown outpost is simply not found.
      assert.equal(await handshakeStatus(outpostSocketUrl(base, randomUUID()), t.adminHeaders), 404);
    });

    it('refuses tokens of an inactive account, expired tokens and tokens not meant for the API', async () => {
      const spare = await insertTestOutpost(t.db, t.ctx.box, 'spare');
      const url = outpostSocketUrl(base, spare.uuid);
      assert.equal(await handshakeStatus(url, bearer(spare.token)), 101);
      await updateUser(t.db, spare.userId, { isActive: false });
      assert.equal(await handshakeStatus(url, bearer(spare.token)), 401);
      assert.equal(refusals().at(-1)?.reason, 'token owner is inactive');
      await updateUser(t.db, spare.userId, { isActive: true });
      await updateToken(t.db, `ak-outpost-${spare.uuid}-api`, {
        expiring: true,
        expires: new Date(Date.now() - 1000),
      });
      assert.equal(await handshakeStatus(url, bearer(spare.token)), 401);
      assert.equal(refusals().at(-1)?.reason, 'token expired');
      const key = `recovery-${randomUUID()}`;
      await insertToken(t.db, t.ctx.box, {
        identifier: `r-${spare.uuid}`,
        intent: 'recovery',
        userId: spare.userId,
        key,
      });
      assert.equal(await handshakeStatus(url, bearer(key)), 401);
    });

    it('answers a HELLO with ACK and records the instance with what the HELLO said', async () => {
      const instance = await connectInstance(
        outpostSocketUrl(base, outpost.uuid, 'instance-one'),
        bearer(outpost.token),
      );
      instance.sendJson(HELLO);
      const ack = await instance.waitFor((f) => f.instruction === OutpostInstruction.ACK);
      assert.deepEqual(ack, { instruction: 0, args: {} });
      const [live] = await listLiveInstances(t.db, outpost.uuid);
      assert.ok(live);
      assert.equal(live.uid, 'instance-one');
      assert.equal(live.version, '2025.10.1');
      assert.equal(live.buildHash, 'abc123');
      assert.equal(live.golangVersion, 'go1.24.1');
      assert.equal(live.opensslEnabled, true);
      assert.equal(live.opensslVersion, 'OpenSSL 3.0.15');
      assert.equal(live.fipsEnabled, false);
      assert.equal(live.hostname, 'proxy-7f9c');
      assert.deepEqual(live.args, { uuid: 'instance-one', extra: { nested: 1 } });
      assert.ok(Math.abs(live.lastSeen.getTime() - Date.now()) < 5000);
      // Silent for longer than 1.5 HELLO intervals, an instance is no longer live.
      const later = (s: number) => new Date(live.lastSeen.getTime() + s * 1000);
      assert.equal((await listLiveInstances(t.db, outpost.uuid, later(14))).length, 1);
      assert.deepEqual(await listLiveInstances(t.db, outpost.uuid, later(16)), []);
      assert.deepEqual(t.app.outpostHub.connectedInstances().get(outpost.uuid), 1);
      await instance.close();
    });

    it('acknowledges other instructions too, keeping the HELLO fields, and ignores inbound ACKs', async () => {
      const instance = await connectInstance(
        outpostSocketUrl(base, outpost.uuid, 'instance-one'),
        bearer(outpost.token),
      );
      instance.sendJson({ instruction: OutpostInstruction.ACK, args: {} });
      instance.sendJson({ instruction: OutpostInstruction.PROVIDER_SPECIFIC, args: { anything: true } });
      await instance.waitFor((f) => f.instruction === OutpostInstruction.ACK);
      // Messages are answered in order, so by the second ACK an answer to the inbound ACK would be there too.
      instance.sendJson({ instruction: OutpostInstruction.HELLO, args: { version: '2025.10.1' } });
      await instance.waitFor((f) => f.instruction === OutpostInstruction.ACK, { from: 1 });
      assert.equal(instance.count(OutpostInstruction.ACK), 2, 'only the non-ACK messages are acknowledged');
      const [live] = await listLiveInstances(t.db, outpost.uuid);
      assert.equal(live?.version, '2025.10.1');
      assert.equal(live?.hostname, 'proxy-7f9c');
      await instance.close();
    });

    it('gives an instance without instance_uuid a random uid', async () => {
      const instance = await connectInstance(outpostSocketUrl(base, other.uuid), bearer(other.token));
      instance.sendJson({ instruction: OutpostInstruction.HELLO, args: {} });
      await instance.waitFor((f) => f.instruction === OutpostInstruction.ACK);
      const [live] = await listLiveInstances(t.db, other.uuid);
      assert.match(String(live?.uid), /^[0-9a-f-]{36}$/);
      await instance.close();
    });

    it('ignores malformed frames and unknown instructions without dropping the connection', async () => {
      const instance = await connectInstance(
        outpostSocketUrl(base, outpost.uuid, 'junk'),
        bearer(outpost.token),
      );
      instance.ws.send('not json {');
      instance.ws.send(Buffer.from([1, 2, 3]));
      for (const junk of [
        null,
        [],
        'text',
        { instruction: 'one' },
        { instruction: 1.5 },
        { args: {} },
        { instruction: 99 },
      ]) {
        instance.sendJson(junk);
      }
      instance.sendJson({ instruction: OutpostInstruction.HELLO, args: { version: 12, hostname: [] } });
      instance.sendJson({ instruction: OutpostInstruction.HELLO, args: { version: 'after-junk' } });
      await instance.waitFor((f) => f.instruction === OutpostInstruction.ACK);
      assert.equal(instance.frames.length, 1, 'nothing but the valid HELLO was answered');
      const live = await listLiveInstances(t.db, outpost.uuid);
      assert.equal(live.find((i) => i.uid === 'junk')?.version, 'after-junk');
      assert.ok(logs.lines().some((l) => l.msg === 'ignored a frame that is not JSON'));
      assert.ok(logs.lines().some((l) => l.msg === 'ignored an unknown instruction' && l.instruction === 99));
      await instance.close();
    });

    it('closes a socket that sends an oversized frame (1009) and keeps serving', async () => {
      const instance = await connectInstance(
        outpostSocketUrl(base, outpost.uuid, 'big'),
        bearer(outpost.token),
      );
      const closed = new Promise<number>((resolve) => instance.ws.once('close', resolve));
      instance.sendJson({ instruction: OutpostInstruction.HELLO, args: { hostname: 'x'.repeat(70 * 1024) } });
      assert.equal(await closed, 1009);
      assert.equal((await t.app.inject({ url: '/-/health/live/' })).statusCode, 204);
      assert.equal(await handshakeStatus(outpostSocketUrl(base, outpost.uuid), bearer(outpost.token)), 101);
    });

    it('cuts off a peer that stops answering pings', async () => {
      const instance = await connectInstance(
        outpostSocketUrl(base, outpost.uuid, 'dead'),
        bearer(outpost.token),
        {
          autoPong: false,
        },
      );
      const closed = new Promise<number>((resolve) => instance.ws.once('close', resolve));
      assert.equal(await closed, 1006, 'terminated, without a close handshake');
      assert.ok(
        logs
          .lines()
          .some((l) => l.msg === 'outpost instance stopped answering pings' && l.instance === 'dead'),
      );
    });

    it('closes the socket of an outpost deleted while connected', async () => {
      const doomed = await insertTestOutpost(t.db, t.ctx.box, 'doomed');
      const instance = await connectInstance(outpostSocketUrl(base, doomed.uuid), bearer(doomed.token));
      const closed = new Promise<number>((resolve) => instance.ws.once('close', resolve));
      await t.db.query('DELETE FROM outposts WHERE uuid = $1', [doomed.uuid]);
      instance.sendJson(HELLO);
      assert.equal(await closed, 1008);
      assert.equal(instance.frames.length, 0);
    });

    it('answers 404 to upgrades of other paths', async () => {
      assert.equal(await handshakeStatus(base.replace(/^http/, 'ws') + '/ws/other/', t.adminHeaders), 404);
    });
  });
}

// Kept apart from the suite above: closing the app is what it checks.
for (const backend of testBackends().slice(0, 1)) {
  describe(`outpost websocket shutdown on ${backend.name}`, () => {
    it('closes connected sockets with 1001 when the app closes, and the close completes', async () => {
      const t = await createTestApp(backend);
      const base = await t.app.listen({ host: '127.0.0.1', port: 0 });
      const admin = await findUserByUsername(t.db, 'akadmin');
      assert.ok(admin?.isSuperuser);
      const outpost = await insertTestOutpost(t.db, t.ctx.box, 'closing');
      const instance = await connectInstance(outpostSocketUrl(base, outpost.uuid), t.adminHeaders);
      const closed = new Promise<number>((resolve) => instance.ws.once('close', resolve));
      await t.close();
      assert.equal(await closed, 1001);
    });
  });
}
