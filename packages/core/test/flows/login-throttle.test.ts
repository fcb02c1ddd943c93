import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createLoginThrottle } from '../../src/flows/login-throttle.ts';

function throttleAt(clock: { now: number }, overrides = {}) {
  return createLoginThrottle({
    maxFailuresPerUsername: 3,
    maxFailuresPerAddress: 5,
    baseDelaySeconds: 2,
    maxDelaySeconds: 60,
    now: () => clock.now,
    ...overrides,
  });
}

describe('login throttle', () => {
  it('locks a username after its limit, with a delay that doubles and is capped', () => {
    const clock = { now: 1_000_000 };
    const throttle = throttleAt(clock);
    for (let i = 0; i < 2; i++) {
      throttle.recordFailure('alice', `10.0.0.${i}`);
      assert.equal(throttle.check('alice', '10.0.0.99').allowed, true);
    }
    throttle.recordFailure('alice', '10.0.0.2');
    assert.deepEqual(throttle.check('alice', '10.0.0.99'), { allowed: false, retryAfterSeconds: 2 });
    assert.equal(throttle.check('ALICE', '10.0.0.99').allowed, false, 'usernames compare case-insensitively');
    assert.equal(throttle.check('bob', '10.0.0.99').allowed, true, 'other users are not affected');
    clock.now += 2000;
    assert.equal(throttle.check('alice', '10.0.0.99').allowed, true);
    throttle.recordFailure('alice', '10.0.0.3');
    assert.equal(throttle.check('alice', '10.0.0.99').retryAfterSeconds, 4);
    for (let i = 0; i < 10; i++) throttle.recordFailure('alice', '10.0.0.4');
    assert.equal(throttle.check('alice', '10.0.0.99').retryAfterSeconds, 60);
  });

  it('locks an address that tries many usernames', () => {
    const clock = { now: 0 };
    const throttle = throttleAt(clock);
    for (let i = 0; i < 5; i++) throttle.recordFailure(`user${i}`, '192.0.2.7');
    assert.equal(throttle.check('someone-new', '192.0.2.7').allowed, false);
    assert.equal(throttle.check('someone-new', '192.0.2.8').allowed, true);
  });

  it('clears the counts on success', () => {
    const clock = { now: 0 };
    const throttle = throttleAt(clock);
    throttle.recordFailure('carol', '198.51.100.1');
    throttle.recordFailure('carol', '198.51.100.1');
    throttle.recordSuccess('carol', '198.51.100.1');
    throttle.recordFailure('carol', '198.51.100.1');
    throttle.recordFailure('carol', '198.51.100.1');
    assert.equal(throttle.check('carol', '198.51.100.1').allowed, true);
  });

  it('forgets old failures after a quiet period', () => {
    const clock = { now: 0 };
    const throttle = throttleAt(clock);
    throttle.recordFailure('dave', '203.0.113.1');
    throttle.recordFailure('dave', '203.0.113.1');
    clock.now += 3_600_000;
    throttle.recordFailure('dave', '203.0.113.1');
    assert.equal(throttle.check('dave', '203.0.113.1').allowed, true);
  });

  it('bounds its memory', () => {
    const clock = { now: 0 };
    const throttle = throttleAt(clock, {
      maxEntries: 10,
      maxFailuresPerUsername: 1,
      maxFailuresPerAddress: 1000,
    });
    throttle.recordFailure('first', '203.0.113.9');
    assert.equal(throttle.check('first', '203.0.113.10').allowed, false);
    for (let i = 0; i < 20; i++) throttle.recordFailure(`flood${i}`, '203.0.113.9');
    assert.equal(throttle.check('first', '203.0.113.10').allowed, true, 'the oldest entry was dropped');
  });

  it('counts a username per address in the address_and_username scope, and keeps the address limit', () => {
    const clock = { now: 0 };
    const throttle = throttleAt(clock, { scope: 'address_and_username' });
    for (let i = 0; i < 3; i++) throttle.recordFailure('erin', '203.0.113.9');
    assert.equal(throttle.check('erin', '203.0.113.9').allowed, false, 'the failing pair is locked');
    assert.equal(
      throttle.check('ERIN', '203.0.113.9').allowed,
      false,
      'usernames compare case-insensitively',
    );
    assert.equal(throttle.check('erin', '198.51.100.4').allowed, true, 'the owner elsewhere is not');
    assert.equal(throttle.check('frank', '203.0.113.9').allowed, true, 'nor other users at that address');
    throttle.recordFailure('frank', '203.0.113.9');
    throttle.recordFailure('gina', '203.0.113.9');
    assert.equal(throttle.check('hank', '203.0.113.9').allowed, false, 'five failures lock the address');
    throttle.recordSuccess('erin', '198.51.100.4');
    assert.equal(
      throttle.check('erin', '203.0.113.9').allowed,
      false,
      "a success elsewhere clears no one else's count",
    );
  });

  it('counts a username across addresses in the default username scope', () => {
    const clock = { now: 0 };
    const throttle = throttleAt(clock);
    for (let i = 0; i < 3; i++) throttle.recordFailure('ivy', '203.0.113.9');
    assert.equal(throttle.check('ivy', '198.51.100.4').allowed, false);
  });
});
