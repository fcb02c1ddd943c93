import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { needsBrowserUrl, typedAuthentikHost } from '../src/lib/browser-url.ts';

describe('the browser-facing URL warning', () => {
  it('is shown while authentik_host is empty or loopback', () => {
    for (const value of ['', '  ', undefined, null, 'http://127.0.0.1:9000/', 'http://localhost:9000/'])
      assert.equal(needsBrowserUrl(value), true, String(value));
    for (const value of ['https://auth.example.com/', 'http://192.168.1.10:9000/'])
      assert.equal(needsBrowserUrl(value), false, value);
  });

  it('reads the value typed in the settings, quoted or not, with a comment or not', () => {
    assert.equal(
      typedAuthentikHost('log_level: info\nauthentik_host: http://a.example:9000/\n'),
      'http://a.example:9000/',
    );
    assert.equal(typedAuthentikHost('authentik_host: "https://b.example/" # public\n'), 'https://b.example/');
    assert.equal(typedAuthentikHost("authentik_host: ''\n"), '');
    assert.equal(typedAuthentikHost('authentik_host_browser: https://c.example/\n'), '');
    assert.equal(typedAuthentikHost('log_level: info\n'), '');
  });
});
