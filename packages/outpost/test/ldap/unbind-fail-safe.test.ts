/**
 * An unbind whose invalidation flow fails (the core unreachable, a flow that does not simply redirect)
 * fails safely: the bind is over on the outpost all the same, the failure is logged and counted with its
 * reason, and every other connection is served on. The in-process fake core (test/ldap/support).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { fakeSetup, fixtureData, type FakeSetup } from './support/fake-core.ts';
import { metricValue } from './support/metric-value.ts';
import { listenForTest, type TestListeners } from './support/listen.ts';

const BASE = 'dc=example,dc=com';
const dn = (name: string) => `cn=${name},ou=users,${BASE}`;

describe('an unbind whose invalidation flow fails', () => {
  let setup: FakeSetup;
  let net: TestListeners;
  /** Waits for the outpost's warning about unbind `reason`, failing after 5 s. */
  const warned = async (reason: string) => {
    const found = () =>
      setup.log.lines.some(
        (l) => l.msg === 'LDAP unbind could not end the core session' && l.fields.reason === reason,
      );
    for (const start = Date.now(); !found(); await new Promise((r) => setTimeout(r, 10))) {
      if (Date.now() - start > 5000) assert.fail(`no unbind warning ${reason}: ${setup.log.text()}`);
    }
  };
  const rejected = (reason: string) =>
    metricValue(setup.registry, 'authentik_outpost_ldap_requests_rejected_total', { type: 'unbind', reason });

  before(async () => {
    const data = fixtureData(5, 1);
    const admin = data.users[0];
    if (admin) admin.canSearch = true;
    setup = fakeSetup(data, {
      bind_mode: 'direct',
      search_mode: 'cached',
      unbind_flow_slug: 'default-invalidation-flow',
    });
    net = await listenForTest(setup.runtime);
  });
  after(() => net.close());

  it('logs and counts an invalidation flow that asks for something instead of redirecting', async () => {
    // The fake core's executor answers every flow with an identification challenge.
    const client = net.client();
    await client.bind(dn('user2'), 'password-2');
    await client.unbind();
    await warned('unbind_flow_error');
    assert.equal(await rejected('unbind_flow_error'), 1);
    assert.ok(!setup.log.text().includes('password-2'), 'the log holds no password');
  });

  it('ends the bind on the outpost while the core is unreachable, and serves the other connections', async () => {
    const reader = net.client();
    await reader.bind(dn('user1'), 'password-1');
    const leaving = net.client();
    await leaving.bind(dn('user3'), 'password-3');
    setup.state.down = true;
    await leaving.unbind();
    await warned('unbind_flow_unavailable');
    assert.equal(await rejected('unbind_flow_unavailable'), 1);
    // The cached directory still answers the connection bound before, and a new one reads the root DSE.
    const found = await reader.search(`ou=users,${BASE}`, { scope: 'one', filter: '(cn=user3)' });
    assert.deepEqual(
      found.searchEntries.map((e) => e.dn),
      [dn('user3')],
    );
    const root = await net.client().search('', { scope: 'base', filter: '(objectClass=*)' });
    assert.equal(root.searchEntries.length, 1);
    setup.state.down = false;
  });
});
