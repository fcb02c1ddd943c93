import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isLoopbackHost, isLoopbackUrl } from '../src/loopback.ts';

test('loopback names and addresses are recognised', () => {
  for (const host of [
    'localhost',
    'LOCALHOST.',
    'app.localhost',
    '127.0.0.1',
    '127.1.2.3',
    '::1',
    '[::1]',
    '::ffff:127.0.0.1',
    '0.0.0.0',
    '::',
  ]) {
    assert.equal(isLoopbackHost(host), true, host);
  }
});

test('other names and addresses are not loopback', () => {
  for (const host of [
    'auth.example.com',
    'localhost.example.com',
    '10.0.0.1',
    '128.0.0.1',
    '::2',
    'fe80::1',
    '192.168.1.10',
    '',
  ]) {
    assert.equal(isLoopbackHost(host), false, host);
  }
});

test('URLs are judged by their host, after the WHATWG parser normalised it', () => {
  assert.equal(isLoopbackUrl('http://127.0.0.1:9000/'), true);
  assert.equal(isLoopbackUrl('http://[::ffff:127.0.0.1]:9000/'), true);
  assert.equal(isLoopbackUrl('http://0x7f000001/'), true);
  assert.equal(isLoopbackUrl('https://auth.example.com:8443/'), false);
  assert.equal(isLoopbackUrl('not a url'), false);
  assert.equal(isLoopbackUrl(''), false);
});
