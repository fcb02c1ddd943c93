import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { throttleAddressKey } from '../../src/flows/client-address.ts';
import { html } from '../../src/flows/html.ts';
import { safeNextPath } from '../../src/flows/safe-next.ts';
import type { TestApp } from '../support/app.ts';
import { testBackends } from '../support/databases.ts';
import { createFlowApp, newBrowser, SETUP, SIGN_IN, SIGN_OUT } from './flow-app.ts';

const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

function assertSecurityHeaders(headers: Record<string, unknown>, what: string): void {
  assert.equal(
    headers['content-security-policy'],
    "default-src 'self'; frame-ancestors 'none'; base-uri 'none'",
    what,
  );
  assert.equal(headers['x-frame-options'], 'DENY', what);
  assert.equal(headers['x-content-type-options'], 'nosniff', what);
  assert.equal(headers['referrer-policy'], 'same-origin', what);
  assert.equal(headers['cache-control'], 'no-store', what);
}

function assertHtmlPage(res: { headers: Record<string, unknown>; body: string }, what: string): void {
  assert.match(String(res.headers['content-type']), /^text\/html; charset=utf-8/, what);
  assert.match(res.body, /^<!doctype html>/, what);
}

for (const backend of testBackends()) {
  describe(`flow pages' safety on ${backend.name}`, () => {
    let t: TestApp;
    before(async () => {
      t = await createFlowApp(backend);
    });
    after(() => t.close());

    it('sends the security headers with pages, redirects and error pages', async () => {
      for (const url of ['/', SETUP, SIGN_IN, SIGN_OUT]) {
        assertSecurityHeaders((await newBrowser(t).get(url)).headers, url);
      }
      const bad = await t.app.inject({ method: 'POST', url: SIGN_IN, headers: FORM, payload: 'a=1&a=2' });
      assertSecurityHeaders(bad.headers, 'error page');
    });

    it('answers a field sent twice with a 400 page, never a 500', async () => {
      for (const payload of ['uid_field=a&uid_field=b&password=x', 'csrf_token=a&csrf_token=a']) {
        for (const url of [SIGN_IN, SETUP, SIGN_OUT]) {
          const res = await t.app.inject({ method: 'POST', url, headers: FORM, payload });
          assert.equal(res.statusCode, 400, `${url} ${payload}`);
          assertHtmlPage(res, url);
          assert.match(res.body, /The form could not be read/);
        }
      }
    });

    it('accepts only form bodies, within a small limit', async () => {
      const json = await t.app.inject({
        method: 'POST',
        url: SIGN_IN,
        headers: { 'content-type': 'application/json' },
        payload: JSON.stringify({ uid_field: ['a'], password: { $ne: 1 } }),
      });
      assert.equal(json.statusCode, 415);
      assertHtmlPage(json, 'json');
      const large = await t.app.inject({
        method: 'POST',
        url: SIGN_IN,
        headers: FORM,
        payload: `password=${'x'.repeat(64 * 1024)}`,
      });
      assert.equal(large.statusCode, 413);
      assertHtmlPage(large, 'large');
    });

    it('takes odd field names and a charset parameter in its stride', async () => {
      const res = await t.app.inject({
        method: 'POST',
        url: SIGN_IN,
        headers: { 'content-type': 'application/x-www-form-urlencoded; charset=UTF-8' },
        payload: '__proto__=x&constructor=y&hasOwnProperty=z&uid_field=a',
      });
      assert.equal(res.statusCode, 403, 'read, then refused for its missing CSRF token');
      assertHtmlPage(res, 'odd names');
    });

    it('escapes what it echoes back', async () => {
      const browser = newBrowser(t);
      const res = await browser.submit(SIGN_IN, { uid_field: '"><script>alert(1)</script>', password: 'x' });
      assert.ok(!res.body.includes('<script>'));
      assert.ok(res.body.includes('value="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"'));
    });

    it('serves the stylesheet and icon the pages link to, so the policy needs no inline code', async () => {
      const page = (await newBrowser(t).get(SIGN_IN)).body;
      for (const [url, type] of [
        ['/static/flow.css', /^text\/css/],
        ['/static/favicon.svg', /^image\/svg\+xml/],
      ] as const) {
        assert.ok(page.includes(`href="${url}"`), url);
        const res = await t.app.inject({ url });
        assert.equal(res.statusCode, 200);
        assert.match(String(res.headers['content-type']), type);
        assert.match(String(res.headers['cache-control']), /^public, max-age=/);
      }
    });
  });
}

describe('safe next path', () => {
  it('keeps same-origin paths', () => {
    assert.equal(safeNextPath('/application/o/authorize/?a=1#x'), '/application/o/authorize/?a=1#x');
    assert.equal(safeNextPath('/'), '/');
  });

  it('drops everything a browser could read as another origin', () => {
    for (const bad of [
      '',
      'relative',
      '//x.example',
      '/\\x.example',
      '\\/x.example',
      'http://x.example/',
      'javascript:alert(1)',
      '/\r\nx',
      '/\tx',
      '/x\u0000',
      `/${'a'.repeat(3000)}`,
      42,
      ['/a', '/b'],
      undefined,
    ]) {
      assert.equal(safeNextPath(bad), '/', JSON.stringify(bad));
    }
  });
});

describe('throttle address key', () => {
  it('keeps IPv4 addresses, unwraps IPv4-mapped ones, and groups IPv6 by /64', () => {
    assert.equal(throttleAddressKey('192.0.2.7'), '192.0.2.7');
    assert.equal(throttleAddressKey('::ffff:192.0.2.7'), '192.0.2.7');
    assert.equal(throttleAddressKey('2001:db8:1:2:3:4:5:6'), '2001:db8:1:2::/64');
    assert.equal(throttleAddressKey('2001:db8:1:2::9'), '2001:db8:1:2::/64');
    assert.equal(throttleAddressKey('2001:0DB8:0001:0002::a%eth0'), '2001:db8:1:2::/64');
    assert.equal(throttleAddressKey('2001:db8::'), '2001:db8:0:0::/64');
    assert.equal(throttleAddressKey('::1'), '0:0:0:0::/64');
    assert.equal(throttleAddressKey('64:ff9b::192.0.2.1'), '64:ff9b:0:0::/64');
    assert.equal(throttleAddressKey('not-an-address'), 'not-an-address');
  });
});

describe('html template', () => {
  it('escapes interpolated values but not nested templates', () => {
    const name = `<img src=x onerror="a('b')">&`;
    assert.equal(
      html`<p title="${name}">${html`<b>${name}</b>`}</p>`.text,
      '<p title="&lt;img src=x onerror=&quot;a(&#39;b&#39;)&quot;&gt;&amp;"><b>&lt;img src=x onerror=&quot;a(&#39;b&#39;)&quot;&gt;&amp;</b></p>',
    );
    assert.equal(html`${[1, '<', null, undefined, false]}`.text, '1&lt;');
  });
});
