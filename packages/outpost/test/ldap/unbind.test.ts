/**
 * The end of a bind (spec §1.8): an unbind, a rebind or a closed connection runs the provider's
 * invalidation flow through the executor in the bind's session, so that session is gone in the core
 * afterwards; a cached bind keeps its session for the binds after it. A real core and real outposts.
 */
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { Client } from 'ldapts';
import { constructed, integer, octets, TAG } from '../../src/ldap/ber.ts';
import { RESPONSE, resultMessage } from '../../src/ldap/responses.ts';
import { RESULT } from '../../src/ldap/result-codes.ts';
import { listUserSessions } from '@palisade/core/identity/sessions-repository';
import { findUserByUsername } from '@palisade/core/identity/users-repository';
import { endUserSessions } from '@palisade/core/sessions/end-session';
import { metricValue } from './support/metric-value.ts';
import { type LdapStack, passwordOf, startLdapStack, type StackOutpost } from './support/ldap-stack.ts';

const DIRECT = 'dc=direct,dc=test';
const CACHED = 'dc=cached,dc=test';

describe('unbinding from the LDAP outpost', () => {
  let stack: LdapStack;
  let direct: StackOutpost;
  let cached: StackOutpost;
  const userDn = (n: number, base = DIRECT) => `cn=user${n},ou=users,${base}`;
  const client = (o: StackOutpost) => new Client({ url: `ldap://127.0.0.1:${o.ldapPort}`, timeout: 10_000 });
  /** The live core sessions of seeded user `n`. */
  const sessionsOf = async (n: number) => {
    const { db } = stack.core.server.ctx;
    const user = await findUserByUsername(db, `user${n}`);
    assert.ok(user);
    return (await listUserSessions(db, user.id)).length;
  };
  /** Waits until user `n` has `count` live sessions, failing after 10 s. */
  const untilSessions = async (n: number, count: number) => {
    for (const start = Date.now(); (await sessionsOf(n)) !== count;) {
      if (Date.now() - start > 10_000) assert.fail(`user${n} still has ${await sessionsOf(n)} sessions`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  };
  /** How many unbinds outpost `o` timed. */
  const unbindCount = (o: StackOutpost) =>
    metricValue(o.handle.metrics.registry, 'authentik_outpost_ldap_request_duration_seconds_count', {
      type: 'unbind',
    });

  before(async () => {
    stack = await startLdapStack({
      users: 12,
      groups: 3,
      providers: [
        { name: 'direct', baseDn: DIRECT, searchMode: 'direct', bindMode: 'direct' },
        { name: 'cached', baseDn: CACHED, searchMode: 'cached', bindMode: 'cached' },
      ],
    });
    [direct, cached] = stack.outposts as [StackOutpost, StackOutpost];
  });
  after(() => stack?.close());

  it('ends the core session of a direct bind when the client unbinds', async () => {
    assert.equal(await sessionsOf(3), 0);
    const ldap = client(direct);
    await ldap.bind(userDn(3), passwordOf(3));
    assert.equal(await sessionsOf(3), 1, 'the bind signed in through the flow');
    const unbinds = await unbindCount(direct);
    await ldap.unbind();
    // The unbind is timed once its flow has finished: then the session is gone.
    for (const start = Date.now(); (await unbindCount(direct)) === unbinds;) {
      if (Date.now() - start > 10_000) assert.fail('the unbind flow did not finish within 10 s');
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    assert.equal(await unbindCount(direct), unbinds + 1);
    assert.equal(await sessionsOf(3), 0, 'the core session ended');
    assert.ok(!direct.log.text().includes('could not end the core session'), direct.log.text());
  });

  it('ends the previous session on a rebind, and the last one when the connection drops', async () => {
    const ldap = client(direct);
    await ldap.bind(userDn(4), passwordOf(4));
    await ldap.bind(userDn(5), passwordOf(5));
    await untilSessions(4, 0);
    assert.equal(await sessionsOf(5), 1, 'the new bind keeps its session');
    // A client that goes away without an unbind request ends its bind all the same.
    const socket = connect(direct.ldapPort, '127.0.0.1');
    const bindRequest = constructed(0x60, [integer(3), octets(userDn(6)), octets(passwordOf(6), 0x80)]);
    socket.write(constructed(TAG.sequence, [integer(1), bindRequest]));
    const answer = await new Promise<Buffer>((resolve) => socket.once('data', resolve));
    assert.deepEqual(answer, resultMessage(1, RESPONSE.bind, RESULT.success, ''), 'bound');
    assert.equal(await sessionsOf(6), 1);
    socket.destroy();
    await untilSessions(6, 0);
    await ldap.unbind();
    await untilSessions(5, 0);
  });

  it('runs no unbind flow for a bind whose session the core ended (SESSION_END closes it)', async () => {
    const { ctx } = stack.core.server;
    // Watch which binds the runtime is asked to end (the real method still runs).
    const released: string[] = [];
    const release = direct.runtime.release.bind(direct.runtime);
    direct.runtime.release = (user, clientIp) => {
      released.push(user.username);
      return release(user, clientIp);
    };
    try {
      const ldap = client(direct);
      await ldap.bind(userDn(9), passwordOf(9));
      const user = await findUserByUsername(ctx.db, 'user9');
      await endUserSessions(ctx, user?.id ?? 0);
      for (const start = Date.now(); ldap.isConnected; await new Promise((r) => setTimeout(r, 25))) {
        if (Date.now() - start > 10_000) assert.fail('SESSION_END did not close the connection');
      }
      // The server forgets the bind before it closes the socket, so by now a release would have been asked.
      assert.deepEqual(released, []);
      const other = client(direct);
      await other.bind(userDn(10), passwordOf(10));
      await other.unbind();
      await untilSessions(10, 0);
      assert.deepEqual(released, ['user10'], 'an unbind is still released');
    } finally {
      direct.runtime.release = release;
    }
  });

  it('leaves a cached bind its session, for the binds after it', async () => {
    const ldap = client(cached);
    await ldap.bind(userDn(7, CACHED), passwordOf(7));
    await ldap.unbind();
    // The direct outpost's unbind, made after, finishes in the core: the cached one would have by then.
    const marker = client(direct);
    await marker.bind(userDn(8), passwordOf(8));
    await marker.unbind();
    await untilSessions(8, 0);
    assert.equal(await sessionsOf(7), 1, 'the cached bind kept its session');
    assert.equal(await unbindCount(cached), 0, 'no unbind flow ran for the cached bind');
  });
});
