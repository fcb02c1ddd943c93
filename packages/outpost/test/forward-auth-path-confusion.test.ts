import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { compileSkipPaths } from '../src/proxy/app/skip-paths.ts';
import { canonicalPath, canonicalUrl } from '../src/proxy/url/canonical.ts';
import { providerConfig, quietLog } from './support/configs.ts';
import { startOutpost, type TestOutpost } from './support/outpost.ts';
import { rawRequest } from './support/raw-request.ts';

/**
 * Issue 13, finding 8: a path that a backend may read differently from how a skip rule matched it never
 * passes that rule; it needs a session like any other path. The rule here is `^/public/`.
 */

/** Paths a Tomcat, a double-decoding or a route-before-resolve backend reads as something under /private. */
const AMBIGUOUS = [
  // Tomcat path parameters: `..;` is `..`
  '/public/..;/private',
  '/public/..;foo=bar/private',
  '/public/;/../private',
  '/public/x;jsessionid=1',
  '/public/%3b/../private',
  '/public/%3B/x',
  // encoded dot segments (decoded, then resolved here: flagged, since a backend may not resolve them)
  '/public/%2e%2e/private',
  '/public/%2E%2E/private',
  '/public/.%2e/private',
  '/public/%2e./private',
  '/private/../public/x',
  '/private/%2e%2e/public/x',
  '/private/./../public/x',
  '/public/./x',
  '/public/x/..',
  // double (and triple) encoding
  '/public/%252e%252e/private',
  '/public/%252E%252E/private',
  '/public/%25252e%25252e/private',
  '/public/%252f..%252fprivate',
  '/public/%25/x',
  // encoded separators, backslashes
  '/public/%2f../private',
  '/public/%2F..%2Fprivate',
  '/public%2f..%2fprivate',
  '/public/%5c..%5cprivate',
  '/public/%5C/x',
  // control characters, NUL
  '/public/x%00',
  '/public/%00/../private',
  '/public/x%0a',
  '/public/x%0d%0aSet-Cookie:%20a=b',
  '/public/x%09',
  '/public/x%7f',
  '/public/x%1f',
  // a second decoder would split the path here
  '/public/x%3fy',
  '/public/x%23y',
  // overlong or broken UTF-8 (`%c0%ae` is `.` to lenient decoders)
  '/public/%c0%ae%c0%ae/private',
  '/public/%e0%80%ae/x',
  '/public/%ff/x',
  '/public/%c0/x',
  '/public/%e2%82/x',
  // malformed escapes, IIS-style %u
  '/public/%u002e%u002e/private',
  '/public/%zz',
  '/public/%',
  '/public/%2',
];

/** Raw characters that can appear in a path handed over in a header or a URL (Envoy, proxy mode). */
const AMBIGUOUS_RAW = [
  '/public\\..\\private',
  '/public/..\\private',
  '/public/x\u0000',
  '/public/x\u000d\u000a',
  '/public/x\u0009',
];

/** Paths that must keep passing the rule. */
const PLAIN = [
  '/public/x',
  '/public/',
  '/public/a.b.c',
  '/public/.well-known',
  '/public/x..y',
  '/public/caf%C3%A9',
  '/public/%E2%82%AC',
  '/public/%F0%9F%98%80',
  '/%70ublic/x',
  '//public//x',
  '/public/x~y-z_',
  '/public/a%20b',
];

describe('path confusion against skip rules (issue 13, finding 8)', () => {
  const rules = compileSkipPaths('^/public/', 'forward_single', quietLog, 'p');
  const domainRules = compileSkipPaths(
    '^https://app\\.example\\.com/public/',
    'forward_domain',
    quietLog,
    'p',
  );

  it('flags every ambiguous spelling, raw or encoded, and no skip rule matches it', () => {
    for (const path of [...AMBIGUOUS, ...AMBIGUOUS_RAW]) {
      assert.equal(canonicalPath(path).isAmbiguous, true, JSON.stringify(path));
      const url = canonicalUrl(`https://app.example.com${path}`);
      if (!url) continue; // not even a URL (raw controls in some positions): nothing to match
      assert.equal(rules.matches(url), false, JSON.stringify(path));
      assert.equal(domainRules.matches(url), false, JSON.stringify(path));
    }
  });

  it('keeps plain paths (UTF-8, unreserved escapes, doubled slashes, dots inside names) matching', () => {
    for (const path of PLAIN) {
      assert.equal(canonicalPath(path).isAmbiguous, false, path);
      const url = canonicalUrl(`https://app.example.com${path}`);
      assert.ok(url, path);
      assert.equal(rules.matches(url), true, path);
      assert.equal(domainRules.matches(url), true, path);
    }
    assert.equal(
      canonicalUrl('https://app.example.com/public/x?q=..;%2e%2e%00')?.isAmbiguous,
      false,
      'the query is no path',
    );
  });

  it('keeps a `;` and what follows it as sent (proxy mode passes the canonical path upstream)', () => {
    assert.equal(canonicalPath('/app/x;jsessionid=ABC').path, '/app/x;jsessionid=ABC');
    assert.equal(canonicalPath('/public/%252e').path, '/public/%252e');
  });
});

describe('ambiguous paths need a session at every adapter (runtime, no core needed)', () => {
  let forward: TestOutpost;
  let proxy: TestOutpost;
  before(async () => {
    forward = await startOutpost([providerConfig({ skip_path_regex: '^/public/' })]);
    proxy = await startOutpost([providerConfig({ skip_path_regex: '^/public/', mode: 'proxy' })]);
  });
  after(async () => {
    await forward?.close();
    await proxy?.close();
  });

  it('nginx 401, Traefik and Caddy 302 into sign-in, Envoy 302, for each ambiguous path; 200 for plain ones', async () => {
    const check = async (path: string) => ({
      nginx: (
        await rawRequest(forward.port, '/outpost.goauthentik.io/auth/nginx', [
          ['Host', 'app.example.com'],
          ['X-Original-URL', `https://app.example.com${path}`],
        ])
      ).status,
      traefik: (
        await rawRequest(forward.port, '/outpost.goauthentik.io/auth/traefik', [
          ['Host', 'outpost'],
          ['X-Forwarded-Proto', 'https'],
          ['X-Forwarded-Host', 'app.example.com'],
          ['X-Forwarded-Uri', path],
        ])
      ).status,
      caddy: (
        await rawRequest(forward.port, '/outpost.goauthentik.io/auth/caddy', [
          ['Host', 'outpost'],
          ['X-Forwarded-Proto', 'https'],
          ['X-Forwarded-Host', 'app.example.com'],
          ['X-Forwarded-Uri', path],
        ])
      ).status,
      envoy: (
        await rawRequest(forward.port, `/outpost.goauthentik.io/auth/envoy${path}`, [
          ['Host', 'app.example.com'],
        ])
      ).status,
    });
    for (const path of AMBIGUOUS)
      assert.deepEqual(await check(path), { nginx: 401, traefik: 302, caddy: 302, envoy: 302 }, path);
    for (const path of PLAIN)
      assert.deepEqual(await check(path), { nginx: 200, traefik: 200, caddy: 200, envoy: 200 }, path);
  });

  it('proxy mode sends an ambiguous path to sign in and never upstream', async () => {
    for (const path of AMBIGUOUS) {
      const res = await rawRequest(proxy.port, path, [['Host', 'app.example.com']]);
      assert.equal(res.status, 302, path);
      assert.match(res.location ?? '', /\/outpost\.goauthentik\.io\/start\?rd=/, path);
    }
    assert.equal(proxy.upstreamCalls.length, 0);
    const plain = await rawRequest(proxy.port, '/public/x', [['Host', 'app.example.com']]);
    assert.equal(plain.status, 200);
    assert.equal(proxy.upstreamCalls.length, 1);
  });
});
