import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { InsufficientAccessError, InvalidCredentialsError, UnavailableError } from 'ldapts';
import { fakeSetup, fixtureData, type FakeSetup } from './support/fake-core.ts';
import { listenForTest, type TestListeners } from './support/listen.ts';

const BASE = 'dc=example,dc=com';
const dn = (name: string) => `cn=${name},ou=users,${BASE}`;

/** Each setup gets its own listeners; closed at the end. */
const opened: TestListeners[] = [];
async function serve(setup: FakeSetup): Promise<TestListeners> {
  const net = await listenForTest(setup.runtime);
  opened.push(net);
  return net;
}

describe('binds fail closed (reference study §4.4)', () => {
  after(() => Promise.all(opened.map((n) => n.close())));

  for (const bindMode of ['direct', 'cached'] as const) {
    it(`${bindMode} bind: a check_access that answers 404, 403 or 500 is unavailable, never success`, async () => {
      for (const status of [404, 403, 500]) {
        const setup = fakeSetup(fixtureData(3, 1), { bind_mode: bindMode });
        setup.state.checkAccessStatus = status;
        const net = await serve(setup);
        const client = net.client();
        await assert.rejects(client.bind(dn('user1'), 'password-1'), UnavailableError, `status ${status}`);
        // The connection is not bound: it cannot search.
        await assert.rejects(client.search(BASE, { filter: '(objectClass=*)' }), InsufficientAccessError);
        assert.equal(setup.runtime.binds.size, 0);
      }
    });
  }

  it('cached bind: a flow that finishes without an authentik_session cookie is unavailable, and no password binds', async () => {
    const setup = fakeSetup(fixtureData(3, 1), { bind_mode: 'cached' });
    setup.state.omitSessionCookie = true;
    const net = await serve(setup);
    await assert.rejects(net.client().bind(dn('user1'), 'password-1'), UnavailableError);
    await assert.rejects(net.client().bind(dn('user1'), 'wrong'), InvalidCredentialsError);
    assert.equal(setup.runtime.binds.size, 0);
  });

  it('a refused password is invalidCredentials; a failed bind is never cached', async () => {
    const setup = fakeSetup(fixtureData(3, 1), { bind_mode: 'cached' });
    const net = await serve(setup);
    await assert.rejects(net.client().bind(dn('user1'), 'wrong'), InvalidCredentialsError);
    await assert.rejects(net.client().bind(dn('user1'), 'wrong'), InvalidCredentialsError);
    const flows = setup.state.requests.filter((r) => r.startsWith('GET /api/v3/flows/executor/'));
    assert.equal(flows.length, 2, 'each failed bind ran the flow again');
  });

  it('a user the application refuses gets insufficientAccessRights', async () => {
    const data = fixtureData(3, 1);
    (data.users[1] as { passing: boolean }).passing = false;
    const net = await serve(fakeSetup(data));
    await assert.rejects(net.client().bind(dn('user2'), 'password-2'), InsufficientAccessError);
  });

  it('a core that cannot be reached is unavailable', async () => {
    const setup = fakeSetup(fixtureData(3, 1));
    setup.state.down = true;
    const net = await serve(setup);
    await assert.rejects(net.client().bind(dn('user1'), 'password-1'), UnavailableError);
  });

  it('refuses a DN of another base, an unauthenticated bind and injection in the DN', async () => {
    const setup = fakeSetup(fixtureData(3, 1));
    const net = await serve(setup);
    await assert.rejects(
      net.client().bind('cn=user1,ou=users,dc=other,dc=org', 'password-1'),
      InsufficientAccessError,
    );
    await assert.rejects(net.client().bind(dn('user1'), ''), InvalidCredentialsError);
    for (const bad of [
      'cn=user1)(cn=*,ou=users,dc=example,dc=com',
      'cn=*,ou=users,dc=example,dc=com',
      'cn=user1\\00,ou=users,dc=example,dc=com',
      'cn=user1\\',
      'not a dn',
    ]) {
      await assert.rejects(net.client().bind(bad, 'password-1'), (error: { code?: number }) => {
        assert.ok(error.code === 49 || error.code === 50, `${bad}: ${error.code}`);
        return true;
      });
    }
  });

  it('passes the MFA code split from the password to the authenticator stage', async () => {
    const data = fixtureData(3, 1);
    (data.users[0] as { code?: string }).code = '123456';
    const net = await serve(fakeSetup(data, { mfa_support: true }));
    await net.client().bind(dn('user1'), 'password-1;123456');
    await assert.rejects(net.client().bind(dn('user1'), 'password-1;654321'), InvalidCredentialsError);
    await assert.rejects(net.client().bind(dn('user1'), 'password-1'), InvalidCredentialsError);
  });
});
