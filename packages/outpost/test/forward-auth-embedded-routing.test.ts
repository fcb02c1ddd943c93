import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { providerConfig } from './support/configs.ts';
import { startOutpost, type TestOutpost } from './support/outpost.ts';

/** A request as the core's server hands it over: Host header, URL, and a peer that is no trusted proxy. */
function request(host: string, url: string, headers: Record<string, string> = {}): IncomingMessage {
  return {
    url,
    headers: { host, ...headers },
    socket: { remoteAddress: '192.0.2.10' },
  } as unknown as IncomingMessage;
}

describe('which requests the embedded outpost takes from the core', () => {
  let single: TestOutpost;
  let several: TestOutpost;
  before(async () => {
    single = await startOutpost([providerConfig()]);
    several = await startOutpost([
      providerConfig({ pk: 1, external_host: 'https://app.example.com' }),
      providerConfig({ pk: 2, name: 'Wiki', external_host: 'https://wiki.example.com', mode: 'proxy' }),
      providerConfig({
        pk: 3,
        name: 'Domain',
        external_host: 'https://auth.corp.example',
        mode: 'forward_domain',
        cookie_domain: 'corp.example',
      }),
    ]);
  });
  after(async () => {
    await single?.close();
    await several?.close();
  });

  it("takes every path under the outpost's prefix, on any host (forward auth arrives with its service name)", () => {
    assert.equal(
      single.runtime.wouldHandle(
        request('ak-outpost.authentik.svc:9000', '/outpost.goauthentik.io/auth/nginx'),
      ),
      true,
    );
    assert.equal(
      single.runtime.wouldHandle(request('core.example.com', '/outpost.goauthentik.io/ping')),
      true,
    );
    assert.equal(
      single.runtime.wouldHandle(request('core.example.com', '/outpost.goauthentik.io/static/dist/x.css')),
      true,
    );
  });

  it("leaves the core's own host to the core, even when the outpost serves a single application", () => {
    for (const url of ['/', '/if/admin/', '/api/v3/core/users/', '/application/o/authorize/'])
      assert.equal(single.runtime.wouldHandle(request('core.example.com', url)), false, url);
  });

  it("takes the outpost's paths and signatures on an application's host, and everything in proxy mode", () => {
    const runtime = several.runtime;
    assert.equal(
      runtime.wouldHandle(request('app.example.com', '/outpost.goauthentik.io/start?rd=/x')),
      true,
    );
    assert.equal(runtime.wouldHandle(request('app.example.com', '/x?X-authentik-auth-callback=true')), true);
    assert.equal(runtime.wouldHandle(request('app.example.com', '/x?X-authentik-logout=TRUE')), true);
    assert.equal(
      runtime.wouldHandle(request('app.example.com', '/dashboard')),
      false,
      'forward mode: the core',
    );
    assert.equal(runtime.wouldHandle(request('wiki.example.com', '/any/page')), true, 'proxy mode');
    assert.equal(
      runtime.wouldHandle(request('grafana.corp.example', '/outpost.goauthentik.io/callback')),
      true,
    );
    assert.equal(runtime.wouldHandle(request('corp.example.evil', '/x?X-authentik-logout=true')), false);
  });

  it('believes X-Forwarded-Host only from a trusted proxy', () => {
    const spoofed = request('core.example.com', '/any/page', { 'x-forwarded-host': 'wiki.example.com' });
    assert.equal(several.runtime.wouldHandle(spoofed), false);
  });
});
