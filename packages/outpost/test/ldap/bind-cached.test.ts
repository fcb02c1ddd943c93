import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { InvalidCredentialsError } from 'ldapts';
import { fakeSetup, fixtureData, type FakeSetup } from './support/fake-core.ts';
import { listenForTest, type TestListeners } from './support/listen.ts';
import { sessionDigest } from '../../src/flow/executor-client.ts';

const BASE = 'dc=example,dc=com';
const dn = (name: string) => `cn=${name},ou=users,${BASE}`;
const flowRuns = (setup: FakeSetup) =>
  setup.state.requests.filter((r) => r.startsWith('GET /api/v3/flows/executor/')).length;

describe('cached binds and sessions', () => {
  let setup: FakeSetup;
  let net: TestListeners;
  before(async () => {
    setup = fakeSetup(fixtureData(5, 1), { bind_mode: 'cached', search_mode: 'cached' });
    net = await listenForTest(setup.runtime);
  });
  after(() => net.close());

  it('answers a repeated bind from the cache, keyed by DN and password', async () => {
    const before = flowRuns(setup);
    await net.client().bind(dn('user1'), 'password-1');
    await net.client().bind(dn('user1'), 'password-1');
    await net.client().bind(`CN=User1,OU=Users,${BASE.toUpperCase()}`, 'password-1');
    assert.equal(
      flowRuns(setup) - before,
      1,
      'one flow: the others (one differing only by case) hit the cache',
    );
    await assert.rejects(net.client().bind(dn('user1'), 'password-1x'), InvalidCredentialsError);
    assert.equal(flowRuns(setup) - before, 2, 'another password is another key: the flow ran and refused it');
  });

  it('expires a cached bind with its session', async () => {
    setup.state.sessionSeconds = 1;
    await net.client().bind(dn('user2'), 'password-2');
    const before = flowRuns(setup);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    await net.client().bind(dn('user2'), 'password-2');
    assert.equal(flowRuns(setup) - before, 1, 'the session had expired: the flow ran again');
    setup.state.sessionSeconds = 3600;
  });

  it('SESSION_END drops the cached bind and closes the connections bound in it', async () => {
    const client = net.client();
    await client.bind(dn('user3'), 'password-3');
    const [cookie] = [...setup.state.sessions].find(([, name]) => name === 'user3') ?? [];
    assert.ok(cookie);
    const closedBefore = client.isConnected;
    assert.equal(closedBefore, true);
    assert.equal(setup.runtime.endSession(sessionDigest(cookie)), 1);
    await new Promise((resolve) => setTimeout(resolve, 100));
    await assert.rejects(client.search(BASE, { filter: '(objectClass=*)' }));
    const before = flowRuns(setup);
    await net.client().bind(dn('user3'), 'password-3');
    assert.equal(flowRuns(setup) - before, 1, 'the cache entry was dropped');
  });

  it('keeps answering searches from the snapshot while the core is down', async () => {
    const client = net.client();
    await client.bind(dn('user4'), 'password-4');
    setup.state.down = true;
    try {
      const found = await client.search(`ou=users,${BASE}`, { scope: 'one', filter: '(cn=user4)' });
      assert.equal(found.searchEntries.length, 1);
      // A cached bind answers too, without the core.
      await net.client().bind(dn('user4'), 'password-4');
    } finally {
      setup.state.down = false;
    }
  });
});

describe('direct search mode', () => {
  let setup: FakeSetup;
  let net: TestListeners;
  before(async () => {
    const data = fixtureData(12, 3);
    (data.users[0] as { canSearch: boolean }).canSearch = true;
    setup = fakeSetup(data, { search_mode: 'direct' });
    net = await listenForTest(setup.runtime);
  });
  after(() => net.close());

  it('asks the core on each search, pushing memberOf down, and answers unavailable when it is down', async () => {
    const client = net.client();
    await client.bind(dn('user1'), 'password-1');
    const found = await client.search(BASE, {
      filter: `(&(objectClass=user)(memberOf=cn=group1,ou=groups,${BASE}))`,
      attributes: ['cn'],
    });
    assert.deepEqual(found.searchEntries.map((e) => e.cn).sort(), ['user1', 'user10', 'user4', 'user7']);
    assert.ok(
      setup.state.requests.some((r) => r.includes('groups_by_name=group1')),
      setup.state.requests.join('\n'),
    );
    setup.state.down = true;
    await assert.rejects(
      client.search(BASE, { filter: '(cn=user1)' }),
      (error: { code?: number }) => error.code === 52,
    );
    setup.state.down = false;
  });

  it('shows a binder without the right only themselves, asking the core for them alone', async () => {
    const client = net.client();
    await client.bind(dn('user2'), 'password-2');
    setup.state.requests.length = 0;
    const found = await client.search(BASE, { filter: '(objectClass=user)' });
    assert.deepEqual(
      found.searchEntries.map((e) => e.cn),
      ['user2'],
    );
    assert.ok(setup.state.requests.includes('GET /api/v3/core/users/2/'), setup.state.requests.join('\n'));
  });
});
