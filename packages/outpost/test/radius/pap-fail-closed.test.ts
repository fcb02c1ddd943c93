import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { addGroupMember } from '@palisade/core/identity/groups-repository';
import type { CoreFetch } from '../../src/process/core-fetch.ts';
import { ATTR, taggedInteger, taggedText, text, vendorSpecific } from '../../src/radius/attributes.ts';
import { encodePacket } from '../../src/radius/packet.ts';
import { parseNetworks } from '../../src/radius/networks.ts';
import { createUser, startCore, type TestCore } from '../support/palisade-core.ts';
import { radclient } from './support/radclient.ts';
import { createRadiusSetup, type RadiusSetup } from './support/radius-core.ts';
import { startTestRadius, type TestRadius } from './support/radius-server.ts';

const SECRET = 'fail-closed-secret';
const ALICE = ['User-Name = alice', 'User-Password = alice-password'];

/** A fetch to the real core whose check_access answer is replaced by `answer` (status, body). */
function checkAccessAnswering(status: number, body: unknown): CoreFetch {
  return async (url, init) =>
    url.includes('/check_access/')
      ? new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } })
      : fetch(url, { ...init, redirect: 'manual' });
}

const rejectedWith = async (radius: TestRadius, reason: string) =>
  (await radius.metric('authentik_outpost_radius_requests_rejected_total')).some((l) =>
    l.includes(`reason="${reason}"`),
  );

describe('every RADIUS failure is a Reject or a drop, never an Accept', () => {
  let core: TestCore;
  let setup: RadiusSetup;
  const started: TestRadius[] = [];
  const start = async (options: Partial<Parameters<typeof startTestRadius>[0]> = {}) => {
    const radius = await startTestRadius({
      origin: core.origin,
      token: setup.token,
      providers: [setup.provider],
      ...options,
    });
    started.push(radius);
    return radius;
  };

  before(async () => {
    core = await startCore();
    setup = await createRadiusSetup(core, { slug: 'vpn', secret: SECRET });
    const alice = await createUser(core, { username: 'alice', password: 'alice-password' });
    await addGroupMember(core.server.ctx.db, setup.groupUuid, alice.id);
  });
  after(async () => {
    for (const radius of started) await radius.close();
    await core?.close();
  });

  it('drops packets from a network no provider names, logging the source once a minute', async () => {
    const radius = await start({
      providers: [{ ...setup.provider, networks: parseNetworks('10.0.0.0/8, fd00::/8').networks }],
    });
    for (let i = 0; i < 2; i++) {
      const result = await radclient(radius.port, SECRET, ALICE, 1);
      assert.match(result.stdout + result.stderr, /No reply from server/);
    }
    assert.equal(radius.log.lines.filter((l) => l.msg === 'No matching prefixes found').length, 1);
    assert.equal(radius.flowsStarted(), 0);
  });

  it('picks the secret of the longest matching prefix, whatever the provider order', async () => {
    const wide = {
      ...setup.provider,
      secret: Buffer.from('wide-secret'),
      networks: parseNetworks('127.0.0.0/8').networks,
    };
    const narrow = { ...setup.provider, networks: parseNetworks('10.0.0.0/8, 127.0.0.1/32').networks };
    const radius = await start({ providers: [wide, narrow] });
    assert.match((await radclient(radius.port, SECRET, ALICE)).stdout, /Received Access-Accept/);
    const withWide = await radclient(
      radius.port,
      'wide-secret',
      [...ALICE, 'Message-Authenticator = 0x00'],
      1,
    );
    assert.match(withWide.stdout + withWide.stderr, /No reply from server/);
  });

  it('rejects when the core cannot be reached (flow_error)', async () => {
    const radius = await start({ origin: 'http://127.0.0.1:1' });
    assert.match((await radclient(radius.port, SECRET, ALICE)).stdout, /Received Access-Reject/);
    assert.ok(await rejectedWith(radius, 'flow_error'));
  });

  it('rejects when check_access fails or its attributes do not decode', async () => {
    for (const [status, body, reason] of [
      [500, { detail: 'boom' }, 'access_check_fail'],
      [200, { access: 'yes' }, 'access_check_fail'],
      [
        200,
        { access: { passing: true, messages: [] }, attributes: 'not base64!' },
        'attribute_decode_failed',
      ],
      [200, { access: { passing: true, messages: [] }, attributes: 'AAAA' }, 'attribute_parse_failed'],
    ] as const) {
      const radius = await start({ fetch: checkAccessAnswering(status, body) });
      const result = await radclient(radius.port, SECRET, ALICE);
      assert.match(result.stdout, /Received Access-Reject/, reason);
      assert.ok(await rejectedWith(radius, reason), reason);
    }
  });

  it('copies the mapped attributes into the Accept (VLAN by Tunnel-*, a vendor attribute)', async () => {
    const mapped = encodePacket({
      code: 2,
      identifier: 0,
      authenticator: Buffer.alloc(16),
      attributes: [
        taggedInteger(ATTR.TunnelType, 1, 13),
        taggedInteger(ATTR.TunnelMediumType, 1, 6),
        taggedText(ATTR.TunnelPrivateGroupId, 1, '42'),
        text(ATTR.ReplyMessage, 'welcome'),
        vendorSpecific(14823, 1, Buffer.from('staff')), // Aruba-User-Role
      ],
    }).toString('base64');
    const radius = await start({
      fetch: checkAccessAnswering(200, { access: { passing: true, messages: [] }, attributes: mapped }),
    });
    const result = await radclient(radius.port, SECRET, ALICE);
    assert.match(result.stdout, /Received Access-Accept/);
    assert.match(result.stdout, /Tunnel-Type:1 = VLAN/);
    assert.match(result.stdout, /Tunnel-Medium-Type:1 = IEEE-802/);
    assert.match(result.stdout, /Tunnel-Private-Group-Id:1 = "42"/);
    assert.match(result.stdout, /Reply-Message = "welcome"/);
    assert.match(result.stdout, /Aruba-User-Role = "staff"/);
  });

  it('throttles a user after repeated failures without asking the core', async () => {
    const radius = await start({
      throttle: { windowMs: 60_000, failuresPerUser: 2, failuresPerNas: 100, inFlightPerNas: 8 },
    });
    for (let i = 0; i < 2; i++)
      assert.match(
        (await radclient(radius.port, SECRET, ['User-Name = alice', 'User-Password = nope'])).stdout,
        /Access-Reject/,
      );
    const flows = radius.flowsStarted();
    assert.match((await radclient(radius.port, SECRET, ALICE)).stdout, /Received Access-Reject/);
    assert.equal(radius.flowsStarted(), flows);
    assert.ok(await rejectedWith(radius, 'rate_limited'));
  });
});
