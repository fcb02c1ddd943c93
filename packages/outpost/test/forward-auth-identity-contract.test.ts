import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { IDENTITY_RESPONSE_HEADERS } from '@palisade/schema/identity-headers';
import { emptyIdentityHeaders, identityHeaders } from '../src/proxy/auth/identity-headers.ts';
import { upstreamRequestHeaders } from '../src/proxy/reverse-proxy-headers.ts';
import type { SessionClaims, UpstreamRequest } from '../src/proxy/types.ts';
import { applicationFor, providerConfig } from './support/configs.ts';
import { startOutpost, type TestOutpost } from './support/outpost.ts';
import { rawRequest } from './support/raw-request.ts';

/**
 * Issue 13, finding 5 (the outpost's part): every identity header of the contract is on every allow answer,
 * empty when the user has no value, so a proxy that copies them overwrites what a client sent; and proxy
 * mode drops every client-sent identity header, in every spelling, before the upstream.
 */
const meta = { outpostName: 'outpost-1', version: 'goauthentik.io/outpost/2026.1.0' };
const bare: SessionClaims = { sub: 'uid-1', exp: Math.floor(Date.now() / 1000) + 600, raw_token: 'a.b.c' };

/** Every spelling a client (or a server that maps `_` to `-`) could use for `name`. */
function spellings(name: string): string[] {
  const lower = name.toLowerCase();
  return [
    name,
    lower,
    name.toUpperCase(),
    lower.replace(/-/g, '_'),
    name.toUpperCase().replace(/-/g, '_'),
    lower.replace('-', '_'),
    lower.replace(/-([^-]*)$/, '_$1'),
  ];
}

describe('the identity header contract', () => {
  const app = applicationFor(providerConfig({ assigned_application_slug: '' }));

  it('puts every contract header on an allow answer, empty where the user has no value', () => {
    const headers = identityHeaders(app, bare, meta);
    const present = new Map(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]));
    for (const name of IDENTITY_RESPONSE_HEADERS) assert.ok(present.has(name.toLowerCase()), name);
    for (const name of [
      'x-authentik-username',
      'x-authentik-email',
      'x-authentik-name',
      'x-authentik-groups',
      'x-authentik-entitlements',
    ])
      assert.equal(present.get(name), '', name);
    assert.equal(present.get('x-authentik-uid'), 'uid-1');
    assert.equal(present.get('x-authentik-jwt'), 'a.b.c');
    const empty = emptyIdentityHeaders();
    assert.deepEqual(
      Object.keys(empty).map((name) => name.toLowerCase()),
      IDENTITY_RESPONSE_HEADERS.map((name) => name.toLowerCase()),
    );
    assert.ok(Object.values(empty).every((value) => value === ''));
  });

  describe('on the wire', () => {
    let outpost: TestOutpost;
    before(async () => {
      outpost = await startOutpost([providerConfig({ skip_path_regex: '^/public/' })]);
    });
    after(() => outpost?.close());

    it('answers an allow-listed check with every contract header, empty, whatever the client sent', async () => {
      const spoofed = IDENTITY_RESPONSE_HEADERS.flatMap((name) =>
        spellings(name).map((spelling) => [spelling, 'mallory'] as const),
      );
      for (const path of ['/outpost.goauthentik.io/auth/nginx', '/outpost.goauthentik.io/auth/traefik']) {
        const res = await rawRequest(outpost.port, path, [
          ['Host', 'app.example.com'],
          ['X-Original-URL', 'https://app.example.com/public/x'],
          ['X-Forwarded-Proto', 'https'],
          ['X-Forwarded-Host', 'app.example.com'],
          ['X-Forwarded-Uri', '/public/x'],
          ...spoofed,
        ]);
        assert.equal(res.status, 200, path);
        for (const name of IDENTITY_RESPONSE_HEADERS)
          assert.equal(res.headers[name.toLowerCase()], '', `${path} ${name}`);
        assert.ok(!JSON.stringify(res.headers).includes('mallory'));
        assert.ok(!Object.keys(res.headers).some((name) => name.includes('_')));
      }
    });
  });
});

describe('proxy mode drops client identity headers before the upstream', () => {
  const app = applicationFor(providerConfig({ mode: 'proxy' }));
  const client = (pairs: Array<[string, string]>): IncomingMessage =>
    ({ rawHeaders: pairs.flat(), headers: {}, method: 'GET' }) as unknown as IncomingMessage;
  const upstream = (claims: SessionClaims | undefined): UpstreamRequest => ({
    provider: app.config,
    claims,
    identityHeaders: claims ? identityHeaders(app, claims, meta) : {},
    clientScheme: 'https',
    clientHost: 'app.example.com',
    clientAddress: '192.0.2.1',
    sessionCookieNames: [app.jar.name],
    consumedAuthorization: false,
  });
  const extra = ['X-Authentik-Meta-Anything', 'X-authentik-meta-', 'x-authentik-', 'X-Authentik-Jwt-Extra'];

  it('in dash and underscore spellings, any case, repeated and comma-joined; signed in or allow-listed', () => {
    const pairs: Array<[string, string]> = [];
    for (const name of [...IDENTITY_RESPONSE_HEADERS, ...extra])
      for (const spelling of spellings(name)) pairs.push([spelling, 'mallory'], [spelling, 'mallory, eve']);
    pairs.push(['X-Kept', 'yes'], ['Accept', 'text/html']);
    for (const claims of [{ ...bare, preferred_username: 'alice' }, undefined]) {
      const { headers } = upstreamRequestHeaders(client(pairs), upstream(claims));
      const names: string[] = [];
      for (let i = 0; i < headers.length; i += 2) {
        const name = headers[i] ?? '';
        names.push(name.toLowerCase());
        if (name.toLowerCase().startsWith('x-authentik-') || name.includes('_'))
          assert.notEqual(headers[i + 1], 'mallory', name);
      }
      assert.ok(!headers.includes('mallory') && !headers.includes('mallory, eve'), 'no spoofed value passes');
      assert.ok(!names.some((name) => name.includes('_')), 'no underscore name passes');
      assert.ok(names.includes('x-kept') && names.includes('accept'), 'other headers pass');
      if (claims) {
        const at = names.indexOf('x-authentik-username');
        assert.equal(headers[at * 2 + 1], 'alice');
        assert.equal(names.filter((name) => name === 'x-authentik-username').length, 1);
      } else assert.ok(!names.some((name) => name.startsWith('x-authentik-')), 'allow-listed: none at all');
    }
  });
});
