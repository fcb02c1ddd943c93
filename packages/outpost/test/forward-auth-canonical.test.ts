import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compileSkipPaths } from '../src/proxy/app/skip-paths.ts';
import type { Logger } from '../src/proxy/types.ts';
import { canonicalHost, canonicalPath, canonicalUrl } from '../src/proxy/url/canonical.ts';

const lines: Array<{ obj: object; msg?: string }> = [];
const log: Logger = {
  debug: () => {},
  info: () => {},
  warn: (obj, msg) => lines.push({ obj, msg }),
  error: (obj, msg) => lines.push({ obj, msg }),
};

const url = (raw: string) => {
  const parsed = canonicalUrl(raw);
  assert.ok(parsed, raw);
  return parsed;
};

describe('canonical request identity', () => {
  it('canonicalises hosts: case, default ports, a trailing dot, IDNA', () => {
    assert.equal(canonicalHost('App.Example.COM'), 'app.example.com');
    assert.equal(canonicalHost('app.example.com:443'), 'app.example.com');
    assert.equal(canonicalHost('app.example.com:80'), 'app.example.com');
    assert.equal(canonicalHost('app.example.com:8443'), 'app.example.com:8443');
    assert.equal(canonicalHost('app.example.com.'), 'app.example.com');
    assert.equal(canonicalHost('bücher.example'), 'xn--bcher-kva.example');
    for (const bad of ['', 'user@host', 'host/path', 'host\\x', 'a b', 'host?q'])
      assert.equal(canonicalHost(bad), undefined, bad);
  });

  it('canonicalises paths: unreserved escapes decoded, dot-segments resolved, // collapsed, %2F kept', () => {
    // A dot segment is resolved, and flagged: a backend may route before resolving it (issue 13, finding 8).
    assert.deepEqual(canonicalPath('/a/./b/../c'), { path: '/a/c', isAmbiguous: true });
    assert.deepEqual(canonicalPath('//public//x'), { path: '/public/x', isAmbiguous: false });
    assert.deepEqual(canonicalPath('/%70ublic/%7e'), { path: '/public/~', isAmbiguous: false });
    assert.deepEqual(canonicalPath('/%2e%2e/admin'), { path: '/admin', isAmbiguous: true });
    assert.deepEqual(canonicalPath('/public/..'), { path: '/', isAmbiguous: true });
    assert.deepEqual(canonicalPath('/a.b/.well-known/x..y'), {
      path: '/a.b/.well-known/x..y',
      isAmbiguous: false,
    });
    assert.deepEqual(canonicalPath('/a%2fb'), { path: '/a%2Fb', isAmbiguous: true });
    assert.deepEqual(canonicalPath('/a%5cb'), { path: '/a%5Cb', isAmbiguous: true });
    assert.equal(canonicalPath('/a\\b').isAmbiguous, true);
    assert.equal(canonicalPath('/bad%zz').isAmbiguous, true);
    assert.deepEqual(canonicalPath('/caf%C3%A9'), { path: '/caf%C3%A9', isAmbiguous: false });
  });

  it('tests single-mode rules against the canonical path only: a query never satisfies them', () => {
    const rules = compileSkipPaths('^/public(/|$)\n^/health$', 'forward_single', log, 'p');
    assert.equal(rules.matches(url('https://app/public/x')), true);
    assert.equal(rules.matches(url('https://app//public/x')), true);
    assert.equal(rules.matches(url('https://app/%70ublic/x')), true);
    assert.equal(rules.matches(url('https://app/private?/public/')), false);
    assert.equal(rules.matches(url('https://app/private?x=/health')), false);
    assert.equal(rules.matches(url('https://app/public/../admin')), false);
    assert.equal(
      rules.matches(url('https://app/public/..%2Fadmin')),
      false,
      'an encoded separator never passes',
    );
    assert.equal(rules.matches(url('https://app/health')), true);
  });

  it('tests domain-mode rules against the full canonical URL (spec §7.1 vectors)', () => {
    const rules = compileSkipPaths('https://health.domain.tld/ping/*', 'forward_domain', log, 'p');
    assert.equal(rules.matches(url('https://health.domain.tld/ping/qq')), true);
    assert.equal(rules.matches(url('https://HEALTH.domain.tld:443/ping/qq')), true);
    assert.equal(rules.matches(url('https://health.domain.tld/')), false);
    const anchored = compileSkipPaths('^/foo', 'forward_domain', log, 'p');
    assert.equal(anchored.matches(url('http://some-host/foo')), false);
  });

  it('compiles the lines as the core does (@palisade/schema/skip-path-regex): what the core accepted matches', () => {
    lines.length = 0;
    const rules = compileSkipPaths('^/api\\-v1/\n^/a{/', 'forward_single', log, 'p');
    assert.equal(rules.size, 2);
    assert.equal(rules.matches(url('https://app/api-v1/x')), true);
    assert.equal(rules.matches(url('https://app/a{/x')), true);
    assert.equal(lines.length, 0);
  });

  it('fails closed on a rule that does not compile: it matches nothing, and says so in the log', () => {
    lines.length = 0;
    const rules = compileSkipPaths('(unclosed\n^/ok$', 'proxy', log, 'provider-x');
    assert.equal(rules.size, 1);
    assert.equal(rules.matches(url('https://app/(unclosed')), false);
    assert.equal(rules.matches(url('https://app/ok')), true);
    assert.equal(lines.length, 1);
    assert.deepEqual(
      {
        provider: (lines[0]?.obj as { provider: string }).provider,
        reason: (lines[0]?.obj as { reason: string }).reason,
      },
      { provider: 'provider-x', reason: 'invalid skip_path_regex line' },
    );
  });
});
