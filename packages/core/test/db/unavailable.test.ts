import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isDatabaseUnavailable } from '../../src/db/unavailable.ts';

const withCode = (code: string, message = 'x') => Object.assign(new Error(message), { code });

describe('isDatabaseUnavailable', () => {
  it('recognises a server that cannot be reached, is shutting down or is full', () => {
    for (const code of [
      'ECONNREFUSED',
      'ECONNRESET',
      'ETIMEDOUT',
      '08006',
      '08001',
      '57P01',
      '57P03',
      '53300',
    ])
      assert.ok(isDatabaseUnavailable(withCode(code)), code);
    assert.ok(isDatabaseUnavailable(new Error('Connection terminated unexpectedly')));
    assert.ok(isDatabaseUnavailable(new Error('timeout exceeded when trying to connect')));
    assert.ok(
      isDatabaseUnavailable(new Error('wrapped', { cause: withCode('ECONNREFUSED') })),
      'through cause',
    );
  });

  it('leaves query errors and bugs to be 500s', () => {
    for (const code of ['42601', '23505', '22P02', '40001', 'ERR_ASSERTION'])
      assert.ok(!isDatabaseUnavailable(withCode(code)), code);
    assert.ok(!isDatabaseUnavailable(new TypeError('cannot read properties of undefined')));
    assert.ok(!isDatabaseUnavailable(undefined));
    assert.ok(!isDatabaseUnavailable('ECONNREFUSED'));
  });
});
