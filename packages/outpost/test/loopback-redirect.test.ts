import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { outpostRequest } from './support/browser.ts';
import { providerConfig } from './support/configs.ts';
import { startOutpost, type TestOutpost } from './support/outpost.ts';

/** A provider whose browser-facing endpoints are on `core` (the embedded outpost's loopback core, or not). */
function providerOn(core: string, pk: number, externalHost: string) {
  const base = providerConfig();
  return providerConfig({
    pk,
    name: `provider ${pk}`,
    client_id: `client-${pk}`,
    external_host: externalHost,
    oidc_configuration: {
      ...base.oidc_configuration,
      authorization_endpoint: `${core}/application/o/authorize/`,
      end_session_endpoint: `${core}/application/o/app/end-session/`,
    },
  });
}

describe('never a loopback redirect for a remote browser', () => {
  let outpost: TestOutpost;
  before(async () => {
    outpost = await startOutpost([
      providerOn('http://127.0.0.1:9000', 1, 'http://wiki.example.com:8088'),
      providerOn('https://auth.example.com', 2, 'http://grafana.example.com'),
    ]);
  });
  after(() => outpost.close());

  const start = (host: string, headers: Record<string, string> = {}) =>
    outpostRequest(outpost.port, `http://${host}/outpost.goauthentik.io/start?rd=http://${host}/`, {
      headers,
    });

  it('sends a browser on this machine to the loopback core as before', async () => {
    const res = await start('wiki.example.com:8088');
    assert.equal(res.status, 302);
    assert.match(res.location ?? '', /^http:\/\/127\.0\.0\.1:9000\/application\/o\/authorize\//);
    const viaLocalProxy = await start('wiki.example.com:8088', { 'x-forwarded-for': '127.0.0.1, ::1' });
    assert.equal(viaLocalProxy.status, 302);
  });

  it('answers a remote browser with a page naming the setting, and logs why', async () => {
    const remote: Record<string, string>[] = [
      { 'x-forwarded-for': '203.0.113.7' },
      { 'x-forwarded-for': '127.0.0.1, 198.51.100.2' },
      { 'x-real-ip': '192.168.1.20' },
      { forwarded: 'for="[2001:db8::1]:4711";proto=http' },
    ];
    for (const headers of remote) {
      const res = await start('wiki.example.com:8088', headers);
      assert.equal(res.status, 503, JSON.stringify(headers));
      assert.equal(res.location, undefined);
      assert.match(String(res.headers['content-type']), /^text\/html/);
      assert.match(res.body, /external_url/);
      assert.doesNotMatch(res.body, /127\.0\.0\.1/);
    }
    const warning = outpost.logs.find(
      (l) => l.msg === 'refused to send a remote browser to a loopback address',
    );
    assert.ok(warning, 'a warning is logged');
    assert.equal((warning.obj as { target: string }).target, '127.0.0.1:9000');
  });

  it('covers the forward-auth redirect Caddy and Traefik relay', async () => {
    const res = await outpostRequest(
      outpost.port,
      'http://outpost.internal:9000/outpost.goauthentik.io/auth/caddy',
      {
        headers: {
          'x-forwarded-proto': 'http',
          'x-forwarded-host': 'wiki.example.com:8088',
          'x-forwarded-uri': '/',
          'x-forwarded-for': '203.0.113.7',
        },
      },
    );
    assert.equal(res.status, 503);
  });

  it('lets a remote browser go to a core that is not on loopback', async () => {
    const res = await start('grafana.example.com', { 'x-forwarded-for': '203.0.113.7' });
    assert.equal(res.status, 302);
    assert.match(res.location ?? '', /^https:\/\/auth\.example\.com\/application\/o\/authorize\//);
  });
});

describe('no application for the host', () => {
  let outpost: TestOutpost;
  before(async () => {
    outpost = await startOutpost([
      providerOn('https://auth.example.com', 1, 'http://wiki.example.com:8088'),
      providerOn('https://auth.example.com', 2, 'http://grafana.example.com:8088'),
    ]);
  });
  after(() => outpost.close());

  it('answers a browser with an HTML page and an API client with the JSON of the reference', async () => {
    const page = await outpostRequest(outpost.port, 'http://wiki.example.com/outpost.goauthentik.io/start', {
      headers: { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' },
    });
    assert.equal(page.status, 400);
    assert.match(String(page.headers['content-type']), /^text\/html/);
    assert.match(page.body, /No application for this address/);
    assert.match(page.body, /wiki\.example\.com/);
    const json = await outpostRequest(outpost.port, 'http://wiki.example.com/outpost.goauthentik.io/start', {
      headers: { accept: 'application/json' },
    });
    assert.equal(json.status, 400);
    assert.deepEqual(JSON.parse(json.body), {
      Message: 'no app for hostname',
      Host: 'wiki.example.com',
      Detail: "Check the outpost settings and make sure 'wiki.example.com' is included.",
    });
  });

  it('logs a warning naming the host and the hosts the outpost knows', async () => {
    const warning = outpost.logs.find(
      (l) => l.level === 'warn' && (l.obj as { reason?: string }).reason === 'no app for hostname',
    );
    assert.ok(warning, 'a warning is logged');
    const obj = warning.obj as { host: string; known_hosts: string[] };
    assert.equal(obj.host, 'wiki.example.com');
    assert.deepEqual(obj.known_hosts.sort(), ['grafana.example.com:8088', 'wiki.example.com:8088']);
  });
});
