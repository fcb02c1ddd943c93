/**
 * Forwarding headers are believed only from configured proxies (AUTHENTIK_LISTEN__TRUSTED_PROXY_CIDRS): in
 * proxy mode the client's address, scheme and host reported upstream, and the host that picks the
 * application. Real HTTP into the runtime; the upstream side records what it was handed.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { outpostRequest } from './support/browser.ts';
import { providerConfig } from './support/configs.ts';
import { startOutpost, type TestOutpost } from './support/outpost.ts';

const config = providerConfig({
  mode: 'proxy',
  external_host: 'http://app.test',
  skip_path_regex: '^/public',
});
// A second application, so that routing cannot fall back on the only one.
const other = providerConfig({
  pk: 2,
  name: 'Other provider',
  client_id: 'other-client',
  mode: 'proxy',
  external_host: 'http://other.test',
  skip_path_regex: '^/public',
});
const claims = {
  'x-forwarded-for': '198.51.100.9, 203.0.113.5, 10.1.2.3',
  'x-forwarded-proto': 'https',
  'x-forwarded-host': 'app.test',
};

describe('forwarding headers, trusted only from configured proxies', () => {
  let untrusting: TestOutpost;
  let trusting: TestOutpost;

  before(async () => {
    untrusting = await startOutpost([config, other]);
    trusting = await startOutpost([config, other], {
      trustedProxyCidrs: ['127.0.0.1/32', '10.0.0.0/8', 'not-an-address/99'],
    });
  });
  after(async () => {
    await untrusting?.close();
    await trusting?.close();
  });

  /** Sends a request to /public with `headers`; answers what the upstream was told about the client. */
  async function handedUpstream(
    outpost: TestOutpost,
    headers: Record<string, string>,
    url = 'http://app.test',
  ) {
    const from = outpost.upstreamCalls.length;
    const res = await outpostRequest(outpost.port, `${url}/public`, { headers });
    assert.equal(res.status, 200, res.body);
    const call = outpost.upstreamCalls[from];
    assert.ok(call, 'the request reached the upstream');
    const { clientAddress, clientScheme, clientHost } = call.upstream;
    return { provider: call.upstream.provider.name, clientAddress, clientScheme, clientHost };
  }

  it('ignores what a peer that is no configured proxy claims (none is configured by default)', async () => {
    // Nor does its X-Forwarded-Host pick the application: the Host header does.
    assert.deepEqual(await handedUpstream(untrusting, claims, 'http://other.test'), {
      provider: 'Other provider',
      clientAddress: '127.0.0.1',
      clientScheme: 'http',
      clientHost: 'other.test',
    });
  });

  it('believes a configured proxy: the right-most address that is not a proxy, its scheme and host', async () => {
    // X-Forwarded-Host from a trusted proxy picks the application, whatever Host says.
    assert.deepEqual(await handedUpstream(trusting, claims, 'http://other.test'), {
      provider: 'Example provider',
      clientAddress: '203.0.113.5',
      clientScheme: 'https',
      clientHost: 'app.test',
    });
    // A scheme other than http(s) is not believed; the connection's own is used.
    const odd = await handedUpstream(trusting, { 'x-forwarded-proto': 'javascript' });
    assert.equal(odd.clientScheme, 'http');
  });

  it('reports an invalid trusted-proxy entry and ignores it', () => {
    assert.ok(
      trusting.logs.some(
        (line) =>
          (line.obj as { entry?: string }).entry === 'not-an-address/99' && /ignored/.test(line.msg ?? ''),
      ),
    );
  });
});
