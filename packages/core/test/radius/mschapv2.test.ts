import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { md4 } from '../../src/radius/md4.ts';
import {
  authenticatorResponse,
  ntPasswordHash,
  ntResponse,
  verifyNtResponse,
} from '../../src/radius/mschapv2.ts';
import { accountName } from '../../src/radius/eap-checks.ts';

const hex = (s: string) => Buffer.from(s, 'hex');

describe('MSCHAPv2 in the core', () => {
  it('computes MD4 as RFC 1320 §A.5 lists', () => {
    for (const [message, digest] of [
      ['', '31d6cfe0d16ae931b73c59d7e0c089c0'],
      ['a', 'bde52cb31de33e46245e05fbdbd6fb24'],
      ['abc', 'a448017aaf21d8525fc10ae87aa6729d'],
      ['message digest', 'd9130a8164549fe818874806e1c7014b'],
      [
        '12345678901234567890123456789012345678901234567890123456789012345678901234567890',
        'e33b4ddc9c38f2199c3e7b164fcc0536',
      ],
    ] as const)
      assert.equal(md4(Buffer.from(message)).toString('hex'), digest, message);
  });

  it('matches the RFC 2759 §9.2 example: NT hash, NT-Response, Authenticator Response', () => {
    const hash = ntPasswordHash('clientPass');
    assert.equal(hash.toString('hex').toUpperCase(), '44EBBA8D5312B8D611474411F56989AE');
    const exchange = {
      authenticatorChallenge: hex('5B5D7C7D7B3F2F3E3C2C602132262628'),
      peerChallenge: hex('21402324255E262A28295F2B3A337C7E'),
      username: 'User',
    };
    const response = ntResponse(exchange, hash);
    assert.equal(response.toString('hex').toUpperCase(), '82309ECD8D708B5EA08FAA3981CD83544233114A3D85D6DF');
    assert.equal(
      authenticatorResponse({ ...exchange, ntResponse: response }, hash),
      'S=407A5589115FD0D6209F510FE9C04566932CDA56',
    );
    assert.equal(verifyNtResponse({ ...exchange, ntResponse: response }, hash), true);
    assert.equal(
      verifyNtResponse({ ...exchange, ntResponse: response }, ntPasswordHash('clientpass')),
      false,
    );
    assert.equal(verifyNtResponse({ ...exchange, ntResponse: response.subarray(1) }, hash), false);
  });

  it('takes the account after a Windows domain', () => {
    assert.equal(accountName('CORP\\alice'), 'alice');
    assert.equal(accountName('alice'), 'alice');
  });
});
