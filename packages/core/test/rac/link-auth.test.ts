import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createSecretBox } from '../../src/identity/secret-box.ts';
import { signLink, verifyLink } from '../../src/rac/relay/link-auth.ts';
import { mergeSettings } from '../../src/rac/init-connection.ts';
import { parseEndpointHost } from '../../src/rac/endpoint-host.ts';

const box = createSecretBox('a-secret-key-of-the-instance-0123456789abcdef');
const other = createSecretBox('another-instance-secret-key-0123456789abcdef');

describe('the replica link proof', () => {
  it('accepts a fresh proof for its channel made with the same secret key', () => {
    const now = 1_800_000_000_000;
    assert.equal(verifyLink(box, 'chan-1', signLink(box, 'chan-1', now), now + 5000), true);
  });

  it('refuses another channel, another key, a stale or future proof, and garbage', () => {
    const now = 1_800_000_000_000;
    const proof = signLink(box, 'chan-1', now);
    assert.equal(verifyLink(box, 'chan-2', proof, now), false);
    assert.equal(verifyLink(other, 'chan-1', proof, now), false);
    assert.equal(verifyLink(box, 'chan-1', proof, now + 31_000), false);
    assert.equal(verifyLink(box, 'chan-1', signLink(box, 'chan-1', now + 31_000), now), false);
    for (const bad of [
      undefined,
      '',
      'x',
      `${now}.zz`,
      `${now}.${'0'.repeat(64)}`,
      `${now}.${'a'.repeat(63)}`,
    ])
      assert.equal(verifyLink(box, 'chan-1', bad, now), false, String(bad));
  });
});

describe('connection settings', () => {
  it('merges layers in order, later ones winning, leaving null and empty values out, as strings', () => {
    assert.deepEqual(
      mergeSettings([
        { hostname: 'h', port: '22', username: 'a' },
        { username: 'b', 'color-depth': 24, 'read-only': true },
        { username: null, password: '' },
        { 'read-only': false },
      ]),
      { hostname: 'h', port: '22', username: 'b', 'color-depth': '24', 'read-only': 'false' },
    );
  });

  it('splits an endpoint host into hostname and port', () => {
    assert.deepEqual(parseEndpointHost('desk.internal:5901'), { hostname: 'desk.internal', port: '5901' });
    assert.deepEqual(parseEndpointHost('[fd00::1]:22'), { hostname: 'fd00::1', port: '22' });
    assert.deepEqual(parseEndpointHost('fd00::1'), { hostname: 'fd00::1' });
    assert.deepEqual(parseEndpointHost('10.0.0.5'), { hostname: '10.0.0.5' });
    for (const bad of ['', 'a b', 'h:0', 'h:65536', 'h:1:2', '[::1', '[nope]:22', 'h:', '-x'])
      assert.equal(parseEndpointHost(bad), undefined, bad);
  });
});
