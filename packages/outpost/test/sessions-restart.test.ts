/**
 * A replica's deny list of ended core sessions is in memory; a restarted replica learns it again from the
 * core, which replays the SESSION_ENDs of recently ended sessions to every connecting instance before it
 * answers the first HELLO (core: outposts/hub/session-end-replay.ts). Two real outpost processes, a real core.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { findUserByUsername } from '@palisade/core/identity/users-repository';
import { endUserSessions } from '@palisade/core/sessions/end-session';
import { type OutpostHandle, startOutpost } from '../src/process/main.ts';
import { createOutpostProxyRuntime } from '../src/proxy/create.ts';
import { Browser, outpostRequest } from './support/browser.ts';
import { createOutpost, createProxyApp, startTestCore, type TestCore } from './support/core.ts';
import { recordingLog } from './support/log.ts';

const APP = 'http://restart.test';

describe('a restarted outpost replica still refuses sessions the core ended before the restart', () => {
  let core: TestCore;
  let token = '';
  const replicas: OutpostHandle[] = [];
  const [logA, logB, logRestarted] = [recordingLog(), recordingLog(), recordingLog()];

  const startReplica = (log: typeof logA) =>
    startOutpost({
      env: {
        AUTHENTIK_HOST: core.url,
        AUTHENTIK_TOKEN: token,
        AUTHENTIK_LISTEN__HTTP: '127.0.0.1:0',
        AUTHENTIK_LISTEN__HTTPS: '127.0.0.1:0',
        AUTHENTIK_LISTEN__METRICS: '127.0.0.1:0',
      },
      createRuntime: createOutpostProxyRuntime,
      listen: true,
      log,
      reloadOffsetMs: 0,
    });

  /** What replica `handle`'s nginx endpoint says to `browser`'s cookies. */
  const verdict = async (handle: OutpostHandle | undefined, browser: Browser) =>
    (
      await outpostRequest(handle?.addresses.http?.port ?? 0, `${APP}/outpost.goauthentik.io/auth/nginx`, {
        headers: { 'x-original-url': `${APP}/private`, cookie: browser.cookieHeader(`${APP}/`) },
      })
    ).status;

  before(async () => {
    core = await startTestCore();
    await core.api('POST', '/core/users/', { username: 'rita', name: 'Rita', email: 'rita@example.test' });
    const rita = await findUserByUsername(core.server.ctx.db, 'rita');
    await core.api('POST', `/core/users/${rita?.id}/set_password/`, { password: 'rita-password-1' });
    const provider = await createProxyApp(core, 'restart', { external_host: APP, mode: 'forward_single' });
    token = (await createOutpost(core, 'restart edge', [provider])).token;
    replicas.push(await startReplica(logA), await startReplica(logB));
  });
  after(async () => {
    for (const replica of replicas) await replica.close();
    await core?.close();
  });

  it('signs out on both replicas, and the restarted one refuses the old cookie too', async () => {
    const [a, b] = replicas;
    const browser = new Browser(a?.addresses.http?.port ?? 0, core.url.replace(/\/$/, ''));
    const start = `${APP}/outpost.goauthentik.io/start?rd=${encodeURIComponent(`${APP}/private?x=1`)}`;
    assert.equal(await browser.signIn(start, 'rita', 'rita-password-1'), `${APP}/private?x=1`);
    assert.equal(await verdict(a, browser), 200);
    assert.equal(await verdict(b, browser), 200);

    const rita = await findUserByUsername(core.server.ctx.db, 'rita');
    assert.equal(await endUserSessions(core.server.ctx, rita?.id ?? 0), 1);
    for (const replica of [a, b]) {
      for (let i = 0; (await verdict(replica, browser)) !== 401; i++) {
        assert.ok(i < 100, 'SESSION_END reached the replica');
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    }

    await b?.close();
    const restarted = await startReplica(logRestarted);
    replicas[1] = restarted;
    // Ready to serve means it has heard the replay: the very first answer already refuses the cookie.
    assert.equal(await verdict(restarted, browser), 401);
    assert.ok(
      logRestarted.lines.every((line) => !/serving before it replayed/.test(line.msg)),
      'startup waited for the core rather than timing out',
    );

    // A user signed in after the restart is served by the restarted replica: the list holds ended sessions only.
    const again = new Browser(restarted.addresses.http?.port ?? 0, core.url.replace(/\/$/, ''));
    assert.equal(await again.signIn(start, 'rita', 'rita-password-1'), `${APP}/private?x=1`);
    assert.equal(await verdict(restarted, again), 200);
    assert.equal(await verdict(a, again), 200);
  });
});
