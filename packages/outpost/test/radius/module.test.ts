import assert from 'node:assert/strict';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { ATTR, taggedInteger, taggedText } from '../../src/radius/attributes.ts';
import { encodePacket } from '../../src/radius/packet.ts';
import { recordingLog } from '../support/log.ts';
import { page, SCRIPTED_OUTPOST, type ScriptedCore, startScriptedCore } from '../support/scripted-core.ts';
import { radclient } from './support/radclient.ts';
import { startRadiusOutpost } from './support/radius-outpost.ts';

const SECRET = 'module-secret';

/** A JSON answer of the stand-in core. */
const json = (body: unknown) => (_req: IncomingMessage, res: ServerResponse) =>
  void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));

describe('the radius module in the outpost runtime', () => {
  let core: ScriptedCore;
  before(async () => {
    core = await startScriptedCore();
  });
  after(async () => {
    await core?.close();
  });

  it('loads /outposts/radius/, serves UDP, runs the flow and check_access, and sends the mapped attributes', async () => {
    const executor = 'flows/executor/radius-flow/?query=goauthentik.io%2Foutpost%2Fradius%3Dtrue';
    core.answers.set('outposts/instances/', page([{ ...SCRIPTED_OUTPOST, type: 'radius' }]));
    core.answers.set(
      'outposts/radius/?page=1&page_size=100',
      page([
        {
          pk: 7,
          name: 'Wi-Fi',
          application_slug: 'wifi',
          auth_flow_slug: 'radius-flow',
          client_networks: 'not-a-network, 127.0.0.0/8',
          shared_secret: SECRET,
          mfa_support: false,
          certificate: null,
        },
        {
          pk: 8,
          name: 'No secret',
          application_slug: 'x',
          auth_flow_slug: 'x',
          client_networks: '0.0.0.0/0',
          shared_secret: '',
          mfa_support: false,
          certificate: null,
        },
      ]),
    );
    // A flow that ends at once with a session (the stand-in stands for a core whose flow passed; without the
    // cookie the outpost would reject), then access with a VLAN.
    core.answers.set(
      executor,
      (_req: IncomingMessage, res: ServerResponse) =>
        void res
          .writeHead(200, {
            'content-type': 'application/json',
            'set-cookie': 'authentik_session=scripted-session; Path=/; Max-Age=3600; HttpOnly',
          })
          .end(JSON.stringify({ component: 'xak-flow-redirect', to: '/' })),
    );
    const vlan = encodePacket({
      code: 2,
      identifier: 0,
      authenticator: Buffer.alloc(16),
      attributes: [
        taggedInteger(ATTR.TunnelType, 1, 13),
        taggedInteger(ATTR.TunnelMediumType, 1, 6),
        taggedText(ATTR.TunnelPrivateGroupId, 1, '120'),
      ],
    }).toString('base64');
    core.answers.set(
      'outposts/radius/7/check_access/?app_slug=wifi',
      json({ access: { passing: true, messages: [] }, attributes: vlan }),
    );
    const log = recordingLog();
    const handle = await startRadiusOutpost(core.url, 'scripted-token', log);
    try {
      const port = handle.addresses.radius?.port;
      assert.ok(port, 'the radius listener is open');
      const result = await radclient(port, SECRET, ['User-Name = alice', 'User-Password = anything']);
      assert.match(result.stdout, /Received Access-Accept/, result.stdout + log.text());
      assert.match(result.stdout, /Tunnel-Private-Group-Id:1 = "120"/);
      assert.ok(core.asked.includes(executor), 'the flow ran');
      assert.ok(
        log.lines.some(
          (l) =>
            l.msg === 'invalid client networks skipped' && JSON.stringify(l.fields).includes('not-a-network'),
        ),
      );
      assert.ok(log.lines.some((l) => l.msg === 'provider has no shared secret; not served'));
      const metrics = await (
        await fetch(`http://127.0.0.1:${handle.addresses.metrics?.port}/metrics`)
      ).text();
      assert.match(
        metrics,
        /^authentik_outpost_radius_request_duration_seconds_count\{outpost_name="scripted",app="wifi"\} 1$/m,
      );
    } finally {
      await handle.close();
    }
  });
});
