import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import { after, before, describe, it } from 'node:test';
import { addGroupMember } from '@palisade/core/identity/groups-repository';
import { newTotpSecret, TOTP_DEFAULTS, type TotpParameters, totpCodeAt } from '@palisade/core/mfa/totp';
import { insertTotpDevice } from '@palisade/core/mfa/totp-devices-repository';
import { ATTR, text } from '../../src/radius/attributes.ts';
import { CODE, decodePacket } from '../../src/radius/packet.ts';
import { hidePassword } from '../../src/radius/password.ts';
import { signRequest, verifyReply } from '../../src/radius/signing.ts';
import { createUser, startCore, type TestCore } from '../support/palisade-core.ts';
import { radclient } from './support/radclient.ts';
import { createRadiusSetup, type RadiusSetup } from './support/radius-core.ts';
import { startTestRadius, type TestRadius } from './support/radius-server.ts';

const SECRET = 'nas-shared-secret-0123';

describe('PAP through the flow executor, with radclient', () => {
  let core: TestCore;
  let setup: RadiusSetup;
  let radius: TestRadius;
  let totp: TotpParameters;

  before(async () => {
    core = await startCore();
    setup = await createRadiusSetup(core, { slug: 'wifi', secret: SECRET });
    for (const name of ['alice', 'carol']) {
      const user = await createUser(core, { username: name, password: `${name}-password` });
      await addGroupMember(core.server.ctx.db, setup.groupUuid, user.id);
      if (name === 'carol') {
        totp = { secret: newTotpSecret(), ...TOTP_DEFAULTS };
        await insertTotpDevice(core.server.ctx.db, core.server.ctx.box, {
          userId: user.id,
          name: 'phone',
          parameters: totp,
          confirmed: true,
        });
      }
    }
    await createUser(core, { username: 'bob', password: 'bob-password' });
    radius = await startTestRadius({ origin: core.origin, token: setup.token, providers: [setup.provider] });
  });
  after(async () => {
    await radius?.close();
    await core?.close();
  });

  it('accepts the right password, with and without a Message-Authenticator in the request', async () => {
    for (const pairs of [
      ['User-Name = alice', 'User-Password = alice-password', 'Message-Authenticator = 0x00'],
      ['User-Name = alice', 'User-Password = alice-password'],
    ]) {
      const result = await radclient(radius.port, SECRET, pairs);
      assert.equal(result.code, 0, result.stderr + result.stdout);
      assert.match(result.stdout, /Received Access-Accept/);
      // radclient checks the Response Authenticator and the reply's Message-Authenticator.
      assert.match(result.stdout, /Message-Authenticator = 0x[0-9a-f]{32}/);
    }
  });

  it('rejects a wrong password and counts it as invalid_credentials', async () => {
    const result = await radclient(radius.port, SECRET, ['User-Name = alice', 'User-Password = wrong']);
    assert.match(result.stdout, /Received Access-Reject/);
    assert.ok(
      (await radius.metric('authentik_outpost_radius_requests_rejected_total')).some(
        (l) => l.includes('reason="invalid_credentials"') && l.includes('app="wifi"'),
      ),
    );
    assert.equal(radius.log.text().includes('wrong'), false, 'the password is never logged');
  });

  it('rejects a user the application does not let in (access_denied)', async () => {
    const result = await radclient(radius.port, SECRET, ['User-Name = bob', 'User-Password = bob-password']);
    assert.match(result.stdout, /Received Access-Reject/);
    assert.ok(
      (await radius.metric('authentik_outpost_radius_requests_rejected_total')).some((l) =>
        l.includes('reason="access_denied"'),
      ),
    );
  });

  it('takes password;code for a user with TOTP, and rejects the password alone', async () => {
    const alone = await radclient(radius.port, SECRET, [
      'User-Name = carol',
      'User-Password = carol-password',
    ]);
    assert.match(alone.stdout, /Received Access-Reject/);
    const code = totpCodeAt(totp, Date.now());
    const both = await radclient(radius.port, SECRET, [
      'User-Name = carol',
      `User-Password = "carol-password;${code}"`,
    ]);
    assert.match(both.stdout, /Received Access-Accept/, both.stdout);
  });

  it('drops a request whose Message-Authenticator does not verify (the wrong secret): no reply', async () => {
    const result = await radclient(
      radius.port,
      'not-the-secret',
      ['User-Name = alice', 'User-Password = alice-password', 'Message-Authenticator = 0x00'],
      1,
    );
    assert.match(result.stdout + result.stderr, /No reply from server/);
    assert.ok(
      (await radius.metric('authentik_outpost_radius_packets_dropped_total')).some((l) =>
        l.includes('reason="invalid_message_authenticator"'),
      ),
    );
  });

  it('answers a retransmission with the same reply, without running the flow again', async () => {
    const authenticator = Buffer.alloc(16, 0x5a);
    const request = signRequest(
      {
        code: CODE.AccessRequest,
        identifier: 77,
        authenticator,
        attributes: [
          text(ATTR.UserName, 'alice'),
          {
            type: ATTR.UserPassword,
            value: hidePassword(Buffer.from('alice-password'), Buffer.from(SECRET), authenticator),
          },
        ],
      },
      Buffer.from(SECRET),
    );
    const socket = dgram.createSocket('udp4');
    const replies: Buffer[] = [];
    socket.on('message', (data) => replies.push(data));
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
    try {
      const before = radius.flowsStarted();
      socket.send(request, radius.port, '127.0.0.1');
      socket.send(request, radius.port, '127.0.0.1'); // while the first is in flight
      for (let i = 0; i < 200 && replies.length < 2; i++) await new Promise((r) => setTimeout(r, 20));
      socket.send(request, radius.port, '127.0.0.1'); // after the reply
      for (let i = 0; i < 200 && replies.length < 3; i++) await new Promise((r) => setTimeout(r, 20));
      assert.equal(replies.length, 3);
      assert.deepEqual(replies[1], replies[0]);
      assert.deepEqual(replies[2], replies[0]);
      assert.equal(decodePacket(replies[0] as Buffer).code, CODE.AccessAccept);
      assert.equal(verifyReply(replies[0] as Buffer, authenticator, Buffer.from(SECRET)), true);
      assert.equal(radius.flowsStarted() - before, 1);
    } finally {
      socket.close();
    }
  });
});
