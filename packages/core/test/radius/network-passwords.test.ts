import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { insertApplication } from '../../src/applications/applications-repository.ts';
import { addGroupMember, insertGroup } from '../../src/identity/groups-repository.ts';
import { insertToken } from '../../src/identity/tokens-repository.ts';
import { insertUser, type User } from '../../src/identity/users-repository.ts';
import { insertBinding } from '../../src/policies/bindings-repository.ts';
import { ntPasswordHash, ntResponse } from '../../src/radius/mschapv2.ts';
import { createTestApp, type TestApp } from '../support/app.ts';
import { testBackends } from '../support/databases.ts';
import { insertTestOutpost, insertTestProvider, type TestOutpost } from '../support/outposts.ts';

for (const backend of testBackends()) {
  describe(`network passwords and the outposts' MSCHAPv2 check on ${backend.name}`, () => {
    let t: TestApp;
    let radius: TestOutpost;
    let ldap: TestOutpost;
    let provider: number;
    let other: number;
    const users: Record<string, { user: User; token: string }> = {};

    const as = (token: string, method: 'GET' | 'POST' | 'DELETE', url: string, body?: unknown) =>
      t.app.inject({
        method,
        url,
        headers: {
          authorization: `Bearer ${token}`,
          ...(body ? { 'content-type': 'application/json' } : {}),
        },
        payload: body ? JSON.stringify(body) : undefined,
      });

    /** An MSCHAPv2 answer as a peer makes it with `password`. */
    const answer = (username: string, password: string) => {
      const exchange = { authenticatorChallenge: randomBytes(16), peerChallenge: randomBytes(16), username };
      return {
        username,
        client_ip: '192.0.2.10',
        authenticator_challenge: exchange.authenticatorChallenge.toString('hex'),
        peer_challenge: exchange.peerChallenge.toString('hex'),
        nt_response: ntResponse(exchange, ntPasswordHash(password)).toString('hex'),
      };
    };

    before(async () => {
      t = await createTestApp(backend, { PALISADE_LOGIN__MAX_FAILURES_PER_USERNAME: '3' });
      provider = await insertTestProvider(t.db, 'radius', 'wifi');
      other = await insertTestProvider(t.db, 'radius', 'other');
      radius = await insertTestOutpost(t.db, t.ctx.box, 'wifi', [provider]);
      await t.db.query(`UPDATE outposts SET type = 'radius' WHERE uuid = $1`, [radius.uuid]);
      ldap = await insertTestOutpost(t.db, t.ctx.box, 'directory', [provider]);
      await t.db.query(`UPDATE outposts SET type = 'ldap' WHERE uuid = $1`, [ldap.uuid]);
      const group = await insertGroup(t.db, { name: 'wifi-users' });
      const application = await insertApplication(t.db, { name: 'wifi', slug: 'wifi', providerId: provider });
      await insertBinding(t.db, { target: application.uuid, groupUuid: group.uuid, order: 0 });
      for (const name of ['staff', 'guest', 'locked']) {
        const user = await insertUser(t.db, { username: name });
        const token = `${name}-api-token-0123456789abcdefghij`;
        await insertToken(t.db, t.ctx.box, {
          identifier: `${name}-token`,
          intent: 'api',
          userId: user.id,
          key: token,
          expiring: false,
        });
        users[name] = { user, token };
        if (name !== 'guest') await addGroupMember(t.db, group.uuid, user.id);
      }
    });
    after(() => t.close());

    const user = (name: string) => users[name] as { user: User; token: string };

    it('makes a random network password, shows it once, replaces and revokes it', async () => {
      const { token } = user('staff');
      assert.deepEqual((await as(token, 'GET', '/api/v3/network_password/')).json(), {
        configured: false,
        created: null,
        last_used: null,
      });
      const made = await as(token, 'POST', '/api/v3/network_password/');
      assert.equal(made.statusCode, 201);
      assert.equal(made.headers['cache-control'], 'no-store');
      const { password } = made.json() as { password: string };
      assert.match(password, /^[a-km-np-z2-9]{5}(-[a-km-np-z2-9]{5}){3}$/);
      const status = (await as(token, 'GET', '/api/v3/network_password/')).json() as Record<string, unknown>;
      assert.equal(status.configured, true);
      assert.equal(JSON.stringify(status).includes(password), false, 'never shown again');
      const row = await t.db.query<{ secret_sealed: string }>('SELECT secret_sealed FROM network_passwords');
      assert.equal(row[0]?.secret_sealed.includes(password), false, 'stored sealed');
      const again = (await as(token, 'POST', '/api/v3/network_password/')).json() as { password: string };
      assert.notEqual(again.password, password);
      assert.equal((await as(token, 'DELETE', '/api/v3/network_password/')).statusCode, 204);
      assert.equal((await as(token, 'DELETE', '/api/v3/network_password/')).statusCode, 404);
      assert.equal(
        ((await as(token, 'GET', '/api/v3/network_password/')).json() as { configured: boolean }).configured,
        false,
      );
    });

    it("refuses an outpost's token the user routes", async () => {
      assert.equal((await as(radius.token, 'POST', '/api/v3/network_password/')).statusCode, 403);
    });

    it('checks an MSCHAPv2 answer in the core: right, wrong, revoked, no access', async () => {
      const url = `/api/v3/outposts/radius/${provider}/mschapv2/`;
      const { password } = (await as(user('staff').token, 'POST', '/api/v3/network_password/')).json() as {
        password: string;
      };
      const good = await as(radius.token, 'POST', url, answer('staff', password));
      assert.equal(good.statusCode, 200, good.body);
      const body = good.json() as {
        valid: boolean;
        authenticator_response: string;
        access: { passing: boolean };
      };
      assert.equal(body.valid, true);
      assert.match(body.authenticator_response, /^S=[0-9A-F]{40}$/);
      assert.equal(body.access.passing, true);
      assert.equal(JSON.stringify(body).includes(password), false);
      // A Windows peer's DOMAIN\user is the same account.
      assert.equal(
        (await as(radius.token, 'POST', url, answer('CORP\\staff', password))).json<{ valid: boolean }>()
          .valid,
        true,
      );
      const wrong = (await as(radius.token, 'POST', url, answer('staff', 'not-it'))).json() as {
        valid: boolean;
        authenticator_response: null;
      };
      assert.deepEqual([wrong.valid, wrong.authenticator_response], [false, null]);
      const { password: guestPassword } = (
        await as(user('guest').token, 'POST', '/api/v3/network_password/')
      ).json() as { password: string };
      const guest = (await as(radius.token, 'POST', url, answer('guest', guestPassword))).json() as {
        valid: boolean;
        access: { passing: boolean };
      };
      assert.deepEqual([guest.valid, guest.access.passing], [true, false]);
      await as(user('staff').token, 'DELETE', '/api/v3/network_password/');
      assert.equal(
        (await as(radius.token, 'POST', url, answer('staff', password))).json<{ valid: boolean }>().valid,
        false,
      );
      assert.equal(
        (await as(radius.token, 'POST', url, answer('nobody', password))).json<{ valid: boolean }>().valid,
        false,
      );
    });

    it('throttles guesses per user and NAS address', async () => {
      const url = `/api/v3/outposts/radius/${provider}/mschapv2/`;
      const { password } = (await as(user('locked').token, 'POST', '/api/v3/network_password/')).json() as {
        password: string;
      };
      for (let i = 0; i < 3; i++) await as(radius.token, 'POST', url, answer('locked', `guess-${i}`));
      const after = (await as(radius.token, 'POST', url, answer('locked', password))).json() as {
        valid: boolean;
        access: { messages: string[] };
      };
      assert.equal(after.valid, false);
      assert.deepEqual(after.access.messages, ['Too many attempts.']);
    });

    it('answers only a RADIUS outpost serving that provider, and rejects malformed answers', async () => {
      const body = answer('staff', 'x');
      assert.equal(
        (await as(ldap.token, 'POST', `/api/v3/outposts/radius/${provider}/mschapv2/`, body)).statusCode,
        403,
      );
      assert.equal(
        (await as(radius.token, 'POST', `/api/v3/outposts/radius/${other}/mschapv2/`, body)).statusCode,
        403,
      );
      assert.equal(
        (await as(user('staff').token, 'POST', `/api/v3/outposts/radius/${provider}/mschapv2/`, body))
          .statusCode,
        403,
      );
      const short = await as(radius.token, 'POST', `/api/v3/outposts/radius/${provider}/mschapv2/`, {
        ...body,
        nt_response: 'abcd',
      });
      assert.equal(short.statusCode, 400);
    });
  });
}
