/**
 * Cached search mode keeps a snapshot of the core's directory (spec §1.7): it is fetched again on
 * TRIGGER_UPDATE and on the outpost's refresh interval, and a search answers from the last good snapshot
 * while the core is stopped. A real core and a real outpost; the interval's wait is held by the test and
 * released on demand, so the test does not wait minutes and knows when the refresh has finished.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Client } from 'ldapts';
import { notifyOutposts } from '@palisade/core/outposts/hub/changes';
import { realTimers, type Timers } from '../../src/process/timers.ts';
import { type LdapStack, passwordOf, startLdapStack, type StackOutpost } from './support/ldap-stack.ts';

const BASE = 'dc=cached,dc=test';
/** The outpost's refresh interval: a value no other wait of the process uses. */
const INTERVAL_SECONDS = 77;

/** Timers that hold the refresh interval's wait until `fire()`; every other wait is real. */
function heldIntervalTimers() {
  let held: (() => void) | undefined;
  let scheduled: () => void = () => {};
  const timers: Timers = {
    ...realTimers,
    setTimeout(fn, ms) {
      if (ms !== INTERVAL_SECONDS * 1000) return realTimers.setTimeout(fn, ms);
      held = fn;
      scheduled();
      return Symbol('held refresh interval');
    },
    clearTimeout(handle) {
      if (typeof handle === 'symbol') held = undefined;
      else realTimers.clearTimeout(handle);
    },
  };
  return {
    timers,
    /** Runs the interval's refresh now; resolves once it finished (the next interval is scheduled). */
    fire(): Promise<void> {
      const run = held;
      assert.ok(run, 'the refresh interval is scheduled');
      held = undefined;
      const next = new Promise<void>((resolve) => (scheduled = resolve));
      run();
      return next;
    },
  };
}

/** Waits until the outpost logged a refresh for `reason` (the `n`th one), failing after 15 s. */
async function refreshed(outpost: StackOutpost, reason: string, n: number): Promise<void> {
  const count = () =>
    outpost.log.lines.filter((l) => l.msg === 'configuration refreshed' && l.fields.reason === reason).length;
  for (const start = Date.now(); count() < n; await new Promise((r) => setTimeout(r, 20))) {
    if (Date.now() - start > 15_000) throw new Error(`no ${reason} refresh within 15 s`);
  }
}

describe('the cached directory snapshot of the LDAP outpost', () => {
  const interval = heldIntervalTimers();
  let stack: LdapStack;
  let outpost: StackOutpost;
  let reader: Client;
  const userDn = (name: string) => `cn=${name},ou=users,${BASE}`;
  const groupDn = (name: string) => `cn=${name},ou=groups,${BASE}`;
  /** The DNs a subtree search under the base finds for `filter`, sorted. */
  const find = async (filter: string, client = reader) =>
    (await client.search(BASE, { scope: 'sub', filter, attributes: ['mail'] })).searchEntries
      .map((e) => e.dn)
      .sort();
  const api = async (method: string, path: string, body: unknown, status: number) => {
    const answer = await stack.core.api(method, path, body);
    assert.equal(answer.status, status, `${method} ${path}: ${JSON.stringify(answer.body)}`);
    return answer.body;
  };
  const groupUuid = async (name: string): Promise<string> =>
    (await api('GET', `/core/groups/?name=${name}`, undefined, 200)).results[0].pk;

  before(async () => {
    stack = await startLdapStack({
      users: 12,
      groups: 3,
      providers: [{ name: 'cached', baseDn: BASE, searchMode: 'cached', bindMode: 'cached' }],
      outpostConfig: { refresh_interval: `seconds=${INTERVAL_SECONDS}` },
      timers: interval.timers,
    });
    outpost = stack.outposts[0] as StackOutpost;
    reader = new Client({ url: `ldap://127.0.0.1:${outpost.ldapPort}`, timeout: 10_000 });
    await reader.bind(userDn('reader'), 'reader-password');
  });
  after(async () => {
    await reader?.unbind().catch(() => {});
    await stack?.close();
  });

  it('shows users and groups added or changed in the core once the core sends TRIGGER_UPDATE', async () => {
    const group1 = await groupUuid('group1');
    await api('POST', '/core/users/', { username: 'newcomer', name: 'Newcomer', groups: [group1] }, 201);
    const user4 = (await api('GET', '/core/users/?username=user4', undefined, 200)).results[0].pk;
    await api('PATCH', `/core/users/${user4}/`, { email: 'renamed4@example.com' }, 200);
    const members = `(memberOf=${groupDn('group1')})`;
    const before = await find(members);
    assert.ok(!before.includes(userDn('newcomer')), 'the snapshot is not read through to the core');
    assert.deepEqual(await find('(mail=renamed4@example.com)'), []);

    const { db } = stack.core.server.ctx;
    await notifyOutposts(db, [outpost.handle.outpost.pk]);
    await refreshed(outpost, 'trigger_update', 1);
    assert.deepEqual(await find(members), [...before, userDn('newcomer')].sort());
    assert.deepEqual(await find('(mail=renamed4@example.com)'), [userDn('user4')]);
    assert.deepEqual(await find('(mail=user4@example.com)'), []);
  });

  it('fetches the directory again on the refresh interval', async () => {
    const user5 = (await api('GET', '/core/users/?username=user5', undefined, 200)).results[0].pk;
    await api('POST', '/core/groups/', { name: 'late-group', users: [user5] }, 201);
    assert.deepEqual(await find('(cn=late-group)'), []);
    await interval.fire();
    await refreshed(outpost, 'interval', 1);
    assert.deepEqual(await find('(cn=late-group)'), [groupDn('late-group')]);
    assert.deepEqual(await find(`(memberOf=${groupDn('late-group')})`), [userDn('user5')]);
  });

  it('keeps answering from the last snapshot while the core is stopped', async () => {
    // A user who bound before the core stops binds again from the cached bind.
    const binder = new Client({ url: `ldap://127.0.0.1:${outpost.ldapPort}`, timeout: 10_000 });
    await binder.bind(userDn('user6'), passwordOf(6));
    await binder.unbind();
    await stack.core.server.close();
    await interval.fire();
    assert.ok(
      outpost.log.lines.some(
        (l) => l.msg.startsWith('configuration refresh failed') && l.fields.reason === 'interval',
      ),
      'the refresh with the core stopped failed',
    );
    assert.deepEqual(await find('(cn=late-group)'), [groupDn('late-group')]);
    assert.ok((await find('(objectClass=user)')).includes(userDn('newcomer')));
    const again = new Client({ url: `ldap://127.0.0.1:${outpost.ldapPort}`, timeout: 10_000 });
    try {
      await again.bind(userDn('user6'), passwordOf(6));
      assert.deepEqual(await find('(&(objectClass=user)(cn=user6))', again), [userDn('user6')]);
    } finally {
      await again.unbind().catch(() => {});
    }
  });
});
