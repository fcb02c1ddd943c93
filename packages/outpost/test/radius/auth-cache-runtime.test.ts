import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { addGroupMember } from '@palisade/core/identity/groups-repository';
import { newTotpSecret, TOTP_DEFAULTS, type TotpParameters, totpCodeAt } from '@palisade/core/mfa/totp';
import { insertTotpDevice } from '@palisade/core/mfa/totp-devices-repository';
import { endUserSessions } from '@palisade/core/sessions/end-session';
import type { OutpostHandle } from '../../src/process/main.ts';
import { startTestCore, type TestCore } from '../support/core.ts';
import { recordingLog } from '../support/log.ts';
import { createUser } from '../support/palisade-core.ts';
import { radclient } from './support/radclient.ts';
import { createRadiusSetup, type RadiusSetup } from './support/radius-core.ts';
import { startRadiusOutpost } from './support/radius-outpost.ts';

const SECRET = 'warm-cache-secret';
const ALICE = ['User-Name = alice', 'User-Password = alice-password'];

/**
 * The warm cache through the whole outpost (the runtime, its websocket to a real core, the RADIUS module on
 * UDP) and radclient: the provider's `auth_cache_seconds` set through the admin API, SESSION_END and
 * TRIGGER_UPDATE sent by the core as it sends them.
 */
describe('the warm cache of successful PAP outcomes, through the running outpost', () => {
  let core: TestCore;
  let setup: RadiusSetup;
  let outpost: OutpostHandle;
  let aliceId: number;
  let totp: TotpParameters;
  const log = recordingLog();

  const hits = async () => {
    const text = await (await fetch(`http://127.0.0.1:${outpost.addresses.metrics?.port}/metrics`)).text();
    const line = text
      .split('\n')
      .find((l) => l.startsWith('authentik_outpost_radius_auth_cache_hits_total{'));
    return Number(line?.split(' ').at(-1) ?? 0);
  };
  /** The core sessions a user has: each passed flow made one. */
  const sessionsOf = async (userId: number) =>
    (await core.server.ctx.db.query('SELECT 1 FROM sessions WHERE user_id = $1', [userId])).length;
  const send = async (pairs: string[]) => {
    const port = outpost.addresses.radius?.port;
    assert.ok(port);
    return (await radclient(port, SECRET, pairs)).stdout;
  };
  /** Waits (up to 10 s) for a log line `msg` beyond the first `seen`. */
  const logged = async (msg: string, seen: number) => {
    const count = () => log.lines.filter((l) => l.msg === msg).length;
    for (let i = 0; i < 500 && count() <= seen; i++) await new Promise((r) => setTimeout(r, 20));
    assert.ok(count() > seen, `no "${msg}" in\n${log.text()}`);
  };
  const count = (msg: string) => log.lines.filter((l) => l.msg === msg).length;
  /** PATCHes the provider through the admin API and waits for the outpost to apply the update. */
  const patchProvider = async (body: Record<string, unknown>) => {
    const seen = count('configuration refreshed');
    const res = await core.api('PATCH', `/providers/radius/${setup.provider.pk}/`, body);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    await logged('configuration refreshed', seen);
  };

  before(async () => {
    core = await startTestCore();
    const origin = core.url.replace(/\/$/, '');
    setup = await createRadiusSetup(
      { server: core.server, origin, close: core.close },
      {
        slug: 'campus',
        secret: SECRET,
      },
    );
    const shape = { server: core.server, origin, close: core.close };
    const alice = await createUser(shape, { username: 'alice', password: 'alice-password' });
    const carol = await createUser(shape, { username: 'carol', password: 'carol-password' });
    aliceId = alice.id;
    for (const user of [alice, carol]) await addGroupMember(core.server.ctx.db, setup.groupUuid, user.id);
    totp = { secret: newTotpSecret(), ...TOTP_DEFAULTS };
    await insertTotpDevice(core.server.ctx.db, core.server.ctx.box, {
      userId: carol.id,
      name: 'phone',
      parameters: totp,
      confirmed: true,
    });
    const mapping = await core.api('POST', '/propertymappings/provider/radius/', {
      name: 'welcome',
      attributes: [{ name: 'Reply-Message', value: 'welcome to campus' }],
    });
    assert.equal(mapping.status, 201, JSON.stringify(mapping.body));
    const linked = await core.api('PATCH', `/providers/radius/${setup.provider.pk}/`, {
      property_mappings: [mapping.body.pk],
    });
    assert.equal(linked.status, 200, JSON.stringify(linked.body));
    outpost = await startRadiusOutpost(core.url, setup.token, log);
  });
  after(async () => {
    await outpost?.close();
    await core?.close();
  });

  it('runs the flow for every request while the provider keeps the cache off (the default)', async () => {
    const sessions = await sessionsOf(aliceId);
    for (let i = 0; i < 2; i++) assert.match(await send(ALICE), /Received Access-Accept/);
    assert.equal((await sessionsOf(aliceId)) - sessions, 2, 'two flows, two core sessions');
    assert.equal(await hits(), 0);
  });

  it('answers a repeat from the cached outcome once the provider turns it on, with the same attributes', async () => {
    await patchProvider({ auth_cache_seconds: 60 });
    const sessions = await sessionsOf(aliceId);
    const first = await send(ALICE);
    assert.match(first, /Received Access-Accept/);
    assert.match(first, /Reply-Message = "welcome to campus"/);
    const second = await send(ALICE);
    assert.match(second, /Received Access-Accept/);
    assert.equal(await hits(), 1);
    assert.equal((await sessionsOf(aliceId)) - sessions, 1, 'one flow for the two requests');
    const attributes = (reply: string) => reply.split('\n').filter((l) => l.startsWith('\tReply-Message'));
    assert.deepEqual(attributes(second), attributes(first));
    assert.equal(log.text().includes('alice-password'), false, 'the password is never logged');
  });

  it('never caches a reject', async () => {
    const before = await hits();
    for (let i = 0; i < 2; i++)
      assert.match(
        await send(['User-Name = alice', 'User-Password = not-her-password']),
        /Received Access-Reject/,
      );
    assert.equal(await hits(), before, 'both wrong passwords ran the flow');
  });

  it('drops the outcome when SESSION_END names the session its flow made', async () => {
    assert.match(await send(ALICE), /Received Access-Accept/);
    const before = await hits();
    assert.equal(before > 0, true);
    const seen = count('auth cache: session ended');
    assert.ok((await endUserSessions(core.server.ctx, aliceId)) > 0);
    await logged('auth cache: session ended', seen);
    const sessions = await sessionsOf(aliceId);
    assert.match(await send(ALICE), /Received Access-Accept/);
    assert.equal(await hits(), before, 'the flow ran again');
    assert.equal((await sessionsOf(aliceId)) - sessions, 1);
    assert.match(await send(ALICE), /Received Access-Accept/);
    assert.equal(await hits(), before + 1, 'and its new outcome is kept');
  });

  it("drops the outcomes when the provider's configuration changes", async () => {
    const seen = count('auth cache: provider configuration changed');
    await patchProvider({ client_networks: '127.0.0.0/8, 192.0.2.0/24' });
    assert.ok(count('auth cache: provider configuration changed') > seen);
    const before = await hits();
    assert.match(await send(ALICE), /Received Access-Accept/);
    assert.equal(await hits(), before, 'the flow ran again');
  });

  it('lets an outcome expire after auth_cache_seconds', async () => {
    await patchProvider({ auth_cache_seconds: 1 });
    assert.match(await send(ALICE), /Received Access-Accept/);
    const before = await hits();
    assert.match(await send(ALICE), /Received Access-Accept/);
    assert.equal(await hits(), before + 1, 'within the second: from the cache');
    await new Promise((resolve) => setTimeout(resolve, 1100));
    assert.match(await send(ALICE), /Received Access-Accept/);
    assert.equal(await hits(), before + 1, 'after it: the flow ran again');
  });

  it('never keeps an outcome a one-time code passed', async () => {
    await patchProvider({ auth_cache_seconds: 60 });
    const before = await hits();
    const pairs = ['User-Name = carol', `User-Password = "carol-password;${totpCodeAt(totp, Date.now())}"`];
    assert.match(await send(pairs), /Received Access-Accept/);
    await send(pairs);
    assert.equal(await hits(), before, 'the repeat went to the flow, which judges the code again');
  });
});
