import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { redactUrl } from '../src/redact-url.ts';

describe('redactUrl', () => {
  it('replaces the value of every credential parameter, in any case, and keeps the rest verbatim', () => {
    const cases: Array<[string, string]> = [
      ['/cb?code=abc&state=xyz', '/cb?code=[redacted]&state=[redacted]'],
      [
        'https://core/end-session/?id_token_hint=eyJ.a.b&post_logout_redirect_uri=https%3A%2F%2Fapp',
        'https://core/end-session/?id_token_hint=[redacted]&post_logout_redirect_uri=https%3A%2F%2Fapp',
      ],
      [
        '/x?TOKEN=t&Access_Token=a&refresh_token=r',
        '/x?TOKEN=[redacted]&Access_Token=[redacted]&refresh_token=[redacted]',
      ],
      ['/login?user=bob&password=hunter2', '/login?user=bob&password=[redacted]'],
      [
        '/x?client_secret=s&id_token=i&logout_token=l',
        '/x?client_secret=[redacted]&id_token=[redacted]&logout_token=[redacted]',
      ],
      ['/x?%63ode=abc', '/x?%63ode=[redacted]'],
      ['/x?code=a&code=b', '/x?code=[redacted]&code=[redacted]'],
      ['/x?a=1&b=%2F&c', '/x?a=1&b=%2F&c'],
      ['/plain/path', '/plain/path'],
    ];
    for (const [input, expected] of cases) assert.equal(redactUrl(input), expected, input);
  });

  it('redacts a fragment in the form of a query and a password in the userinfo', () => {
    assert.equal(
      redactUrl('https://app/#access_token=a&token_type=bearer'),
      'https://app/#access_token=[redacted]&token_type=bearer',
    );
    assert.equal(redactUrl('https://user:s3cret@core/x?y=1'), 'https://user:[redacted]@core/x?y=1');
    assert.equal(redactUrl('https://user@core/x'), 'https://user@core/x');
  });

  it('looks into parameter values that are URLs themselves (rd=…?code=…)', () => {
    const inner = 'https://app/outpost.goauthentik.io/callback?code=abc&state=s';
    const out = redactUrl(`/start?rd=${encodeURIComponent(inner)}&x=1`);
    assert.ok(!out.includes('abc'), out);
    assert.equal(
      decodeURIComponent(new URLSearchParams(out.split('?')[1]).get('rd') ?? ''),
      'https://app/outpost.goauthentik.io/callback?code=[redacted]&state=[redacted]',
    );
    assert.ok(out.endsWith('&x=1'));
  });

  it('never throws on malformed input', () => {
    for (const input of ['', '?', '%', '/x?code', '/x?=', '/x?%E0%A4%A=1', '#', '?&&&', 'http://:@']) {
      assert.doesNotThrow(() => redactUrl(input), input);
    }
    assert.equal(redactUrl('/x?%E0%A4%A=1&code=z'), '/x?%E0%A4%A=1&code=[redacted]');
  });
});
