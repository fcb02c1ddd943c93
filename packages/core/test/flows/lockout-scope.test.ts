/**
 * login.lockout_scope through the real sign-in page (issue 13, finding 8): with the reference's `username`
 * scope anyone can keep an account locked by failing on purpose; with `address_and_username` failures from
 * one address lock that address's attempts on the account only, and the per-address limit still holds.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { TestApp } from '../support/app.ts';
import { testBackends } from '../support/databases.ts';
import { createFlowApp, insertUserWithPassword, newBrowser, SIGN_IN, whoAmI } from './flow-app.ts';

// The throttle is in memory, the same on every storage backend: one is enough.
const backend = testBackends()[0];
// FLOW_ENV: 3 failures lock a username, 6 lock an address.
const USERNAME_LIMIT = 3;
const ADDRESS_LIMIT = 6;

/** Fails `count` times for `username` from one fresh address (one browser), and answers that browser. */
async function failFromOneAddress(t: TestApp, username: string, count: number) {
  const attacker = newBrowser(t);
  for (let i = 0; i < count; i++) {
    const res = await attacker.submit(SIGN_IN, { uid_field: username, password: `wrong-${i}` });
    assert.equal(res.statusCode, 200, `failure ${i} is an ordinary refusal`);
  }
  return attacker;
}

for (const scope of ['username', 'address_and_username'] as const) {
  describe(`lockout scope ${scope}`, () => {
    let t: TestApp;
    before(async () => {
      if (!backend) throw new Error('no test backend');
      // `username` is the default: that suite sets nothing, so it checks the default too.
      t = await createFlowApp(backend, scope === 'username' ? {} : { PALISADE_LOGIN__LOCKOUT_SCOPE: scope });
      assert.equal(t.ctx.config.login.lockout_scope, scope);
    });
    after(() => t.close());

    it(
      scope === 'username'
        ? 'locks the account for everyone once one address failed its limit (the reference trade-off)'
        : 'leaves the account open to other addresses when one address failed its limit',
      async () => {
        await insertUserWithPassword(t, { username: 'victim', email: 'victim@example.com' }, 'victim-pass');
        const attacker = await failFromOneAddress(t, 'victim', USERNAME_LIMIT);
        const owner = newBrowser(t);
        const res = await owner.submit(SIGN_IN, { uid_field: 'victim', password: 'victim-pass' });
        if (scope === 'username') {
          assert.equal(res.statusCode, 429);
          assert.equal(await whoAmI(owner), undefined);
        } else {
          assert.equal(res.statusCode, 303);
          assert.equal(await whoAmI(owner), 'victim');
        }
        // The failing address itself is locked for that account in either scope, even with the password.
        const again = await attacker.submit(SIGN_IN, { uid_field: 'victim', password: 'victim-pass' });
        assert.equal(again.statusCode, 429);
      },
    );

    it('bounds guesses spread over many addresses by the scope', async () => {
      await insertUserWithPassword(t, { username: 'spread', email: 'spread@example.com' }, 'spread-pass');
      // One guess from each of twice the username limit of addresses: no address reaches a limit of its own.
      const answers: number[] = [];
      for (let i = 0; i < 2 * USERNAME_LIMIT; i++) {
        const res = await newBrowser(t).submit(SIGN_IN, { uid_field: 'spread', password: `wrong-${i}` });
        answers.push(res.statusCode);
      }
      const res = await newBrowser(t).submit(SIGN_IN, { uid_field: 'spread', password: 'spread-pass' });
      if (scope === 'username') {
        // The account's one budget: the guesses past it are refused before the password is checked.
        assert.deepEqual(answers.slice(USERNAME_LIMIT), Array(USERNAME_LIMIT).fill(429));
        assert.equal(res.statusCode, 429);
      } else {
        // The trade-off: every address has its own allowance against the account.
        assert.deepEqual(answers, Array(2 * USERNAME_LIMIT).fill(200));
        assert.equal(res.statusCode, 303);
      }
    });

    it('still locks an address that tries many usernames', async () => {
      const sprayer = newBrowser(t);
      for (let i = 0; i < ADDRESS_LIMIT; i++)
        await sprayer.submit(SIGN_IN, { uid_field: `${scope}-spray${i}`, password: 'x' });
      const res = await sprayer.submit(SIGN_IN, { uid_field: `${scope}-fresh`, password: 'x' });
      assert.equal(res.statusCode, 429);
    });
  });
}
