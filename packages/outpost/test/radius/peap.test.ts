import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { addGroupMember } from '@palisade/core/identity/groups-repository';
import { setNetworkPassword } from '@palisade/core/radius/network-passwords-repository';
import { eapKeys } from '../../src/radius/eap/core-backend.ts';
import { createUser, startCore, type TestCore } from '../support/palisade-core.ts';
import { makeTestPki, type TestPki } from './support/eap-certificates.ts';
import { eapolTest } from './support/eapol-test.ts';
import { createRadiusSetup, type RadiusSetup } from './support/radius-core.ts';
import { startTestRadius, type TestRadius } from './support/radius-server.ts';

const SECRET = 'wifi-controller-secret';
const NETWORK_PASSWORD = 'k7mdq-x3ps9-wnf2h-tr8ea';

describe('PEAP-MSCHAPv2 and EAP-TLS with eapol_test', () => {
  let core: TestCore;
  let setup: RadiusSetup;
  let radius: TestRadius;
  let pki: TestPki;

  before(async () => {
    pki = makeTestPki(['alice', 'bob']);
    core = await startCore();
    setup = await createRadiusSetup(core, { slug: 'wifi', secret: SECRET });
    const alice = await createUser(core, { username: 'alice', password: 'alice-sign-in-password' });
    await addGroupMember(core.server.ctx.db, setup.groupUuid, alice.id);
    await setNetworkPassword(core.server.ctx.db, core.server.ctx.box, alice.id, NETWORK_PASSWORD);
    const bob = await createUser(core, { username: 'bob', password: 'bob-sign-in-password' });
    await setNetworkPassword(core.server.ctx.db, core.server.ctx.box, bob.id, NETWORK_PASSWORD);
    const keys = eapKeys(pki.server);
    assert.ok(keys);
    radius = await startTestRadius({
      origin: core.origin,
      token: setup.token,
      providers: [{ ...setup.provider, certificate: 'eap-keypair' }],
      eapKeys: new Map([['eap-keypair', keys]]),
    });
  });
  after(async () => {
    await radius?.close();
    await core?.close();
    pki?.remove();
  });

  const peap = (identity: string, password: string) =>
    eapolTest({
      dir: pki.dir,
      name: `peap-${identity}`,
      port: radius.port,
      secret: SECRET,
      network: {
        eap: 'PEAP',
        identity: `"${identity}"`,
        anonymous_identity: '"anonymous"',
        password: `"${password}"`,
        phase1: '"peapver=0"',
        phase2: '"auth=MSCHAPV2"',
        ca_cert: `"${pki.caPem}"`,
      },
    });

  it('signs a user in with their network password, the MPPE keys matching', async () => {
    const result = await peap('alice', NETWORK_PASSWORD);
    assert.equal(result.code, 0, result.output.slice(-3000));
    assert.match(result.output, /SUCCESS/);
    assert.match(result.output, /MPPE keys OK/);
    assert.equal(radius.conversations(), 0, 'the conversation ended');
  });

  it('refuses a wrong network password, and the sign-in password', async () => {
    for (const password of ['wrong-password', 'alice-sign-in-password']) {
      const result = await peap('alice', password);
      assert.notEqual(result.code, 0);
      assert.match(result.output, /FAILURE/);
    }
    assert.ok(
      (await radius.metric('authentik_outpost_radius_requests_rejected_total')).some((l) =>
        l.includes('reason="invalid_credentials"'),
      ),
    );
  });

  it('refuses a user the application does not let in', async () => {
    const result = await peap('bob', NETWORK_PASSWORD);
    assert.notEqual(result.code, 0);
    assert.ok(
      (await radius.metric('authentik_outpost_radius_requests_rejected_total')).some((l) =>
        l.includes('reason="access_denied"'),
      ),
    );
  });

  const eapTls = (identity: string, client: string) =>
    eapolTest({
      dir: pki.dir,
      name: `tls-${identity}-${client}`,
      port: radius.port,
      secret: SECRET,
      network: {
        eap: 'TLS',
        identity: `"${identity}"`,
        ca_cert: `"${pki.caPem}"`,
        client_cert: `"${pki.clients[client]?.cert}"`,
        private_key: `"${pki.clients[client]?.key}"`,
      },
    });

  it("EAP-TLS: signs in with a client certificate of the provider's CA naming the user", async () => {
    const result = await eapTls('alice', 'alice');
    assert.equal(result.code, 0, result.output.slice(-3000));
    assert.match(result.output, /MPPE keys OK/);
  });

  it('EAP-TLS: refuses a certificate of another CA, one naming someone else, and a user without access', async () => {
    for (const [identity, client] of [
      ['alice', 'rogue'],
      ['alice', 'bob'],
      ['bob', 'bob'],
    ] as const) {
      const result = await eapTls(identity, client);
      assert.notEqual(result.code, 0, `${identity} with ${client}'s certificate`);
      assert.match(result.output, /FAILURE/);
    }
    const log = radius.log.text();
    assert.match(log, /client certificate: no trusted CA issued the certificate/);
    assert.match(log, /The certificate does not name this user/);
    assert.match(log, /"user":"bob".*"reason":"access_denied"|"reason":"access_denied"/);
    assert.equal(radius.conversations(), 0);
  });
});
