import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ATTR, text } from '../../src/radius/attributes.ts';
import { AuthCache, MAX_CACHED_AUTHENTICATIONS } from '../../src/radius/auth-cache.ts';
import { parseNetworks } from '../../src/radius/networks.ts';
import type { RadiusProvider } from '../../src/radius/types.ts';

const provider = (fields: Partial<RadiusProvider> = {}): RadiusProvider => ({
  pk: 1,
  name: 'Wi-Fi',
  appSlug: 'wifi',
  flowSlug: 'default-authentication-flow',
  secret: Buffer.from('shared-secret'),
  mfaSupport: true,
  networks: parseNetworks('10.0.0.0/8').networks,
  certificate: null,
  authCacheSeconds: 30,
  ...fields,
});
const ACCEPT = [text(ATTR.ReplyMessage, 'welcome')];

/** A cache on a clock the test moves. */
function clocked() {
  const clock = { now: 1_000_000 };
  return { clock, cache: new AuthCache(() => clock.now) };
}

describe('the warm cache of successful PAP outcomes', () => {
  it('keys by a keyed hash of NAS, user and password: never the password, and no key outside this process', () => {
    const { cache } = clocked();
    const p = provider();
    const key = cache.key(p, '10.0.0.1', 'alice', 'alice-password');
    assert.equal(key, cache.key(p, '10.0.0.1', 'alice', 'alice-password'));
    assert.ok(!key.includes('alice'), 'neither the user nor the password shows in the key');
    for (const other of [
      cache.key(p, '10.0.0.2', 'alice', 'alice-password'),
      cache.key(p, '10.0.0.1', 'bob', 'alice-password'),
      cache.key(p, '10.0.0.1', 'alice', 'alice-password2'),
      cache.key(provider({ pk: 2 }), '10.0.0.1', 'alice', 'alice-password'),
    ])
      assert.notEqual(other, key);
    assert.notEqual(
      new AuthCache().key(p, '10.0.0.1', 'alice', 'alice-password'),
      key,
      'another process draws another HMAC key',
    );
  });

  it('answers the same attributes until the lifetime ends, and the session end if that comes first', () => {
    const { clock, cache } = clocked();
    const p = provider({ authCacheSeconds: 30 });
    cache.set('k', p, { attributes: ACCEPT, sid: 's1', sessionExpires: undefined });
    assert.deepEqual(cache.get('k', p), ACCEPT);
    clock.now += 29_999;
    assert.deepEqual(cache.get('k', p), ACCEPT);
    clock.now += 1;
    assert.equal(cache.get('k', p), undefined, 'expired after 30 s');
    assert.equal(cache.size, 0, 'and dropped');
    cache.set('k', p, { attributes: ACCEPT, sid: 's1', sessionExpires: clock.now + 5_000 });
    clock.now += 5_000;
    assert.equal(cache.get('k', p), undefined, 'the core session ended before the lifetime');
  });

  it('keeps nothing when the provider has the cache off', () => {
    const { cache } = clocked();
    const off = provider({ authCacheSeconds: 0 });
    cache.set('k', off, { attributes: ACCEPT, sid: 's1', sessionExpires: undefined });
    assert.equal(cache.size, 0);
  });

  it('drops the entries of a session SESSION_END names, and only those', () => {
    const { cache } = clocked();
    const p = provider();
    cache.set('a', p, { attributes: ACCEPT, sid: 's1', sessionExpires: undefined });
    cache.set('b', p, { attributes: ACCEPT, sid: 's2', sessionExpires: undefined });
    assert.equal(cache.dropSession('s1'), 1);
    assert.equal(cache.get('a', p), undefined);
    assert.deepEqual(cache.get('b', p), ACCEPT);
  });

  it("drops a provider's entries when its configuration changes or it is no longer served", () => {
    const { cache } = clocked();
    const first = provider({ pk: 1 });
    const second = provider({ pk: 2 });
    cache.set('a', first, { attributes: ACCEPT, sid: 's1', sessionExpires: undefined });
    cache.set('b', second, { attributes: ACCEPT, sid: 's2', sessionExpires: undefined });
    // A refresh with the same configuration (new objects, as every load makes) keeps everything.
    assert.equal(cache.retainProviders([provider({ pk: 1 }), provider({ pk: 2 })]), 0);
    const changed = provider({ pk: 1, flowSlug: 'another-flow' });
    assert.equal(cache.retainProviders([changed, provider({ pk: 2 })]), 1);
    assert.equal(cache.get('a', changed), undefined);
    assert.deepEqual(cache.get('b', provider({ pk: 2 })), ACCEPT);
    assert.equal(cache.retainProviders([changed]), 1, 'provider 2 left the outpost');
    assert.equal(cache.size, 0);
    // Between refreshes too: an entry made under another configuration is not answered.
    cache.set('c', first, { attributes: ACCEPT, sid: 's3', sessionExpires: undefined });
    assert.equal(cache.get('c', provider({ pk: 1, secret: Buffer.from('rotated') })), undefined);
  });

  it('holds a copy of the attributes, and at most MAX_CACHED_AUTHENTICATIONS entries, the oldest going first', () => {
    const { cache } = clocked();
    const p = provider();
    const attributes = [text(ATTR.ReplyMessage, 'welcome')];
    cache.set('first', p, { attributes, sid: 's', sessionExpires: undefined });
    (attributes[0] as { value: Buffer }).value.fill(0);
    assert.deepEqual(cache.get('first', p), ACCEPT, 'a later change to the reply does not reach the cache');
    for (let i = 0; i < MAX_CACHED_AUTHENTICATIONS; i++)
      cache.set(`k${i}`, p, { attributes: ACCEPT, sid: 's', sessionExpires: undefined });
    assert.equal(cache.size, MAX_CACHED_AUTHENTICATIONS);
    assert.equal(cache.get('first', p), undefined);
    assert.deepEqual(cache.get(`k${MAX_CACHED_AUTHENTICATIONS - 1}`, p), ACCEPT);
  });
});
