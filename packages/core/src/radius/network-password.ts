/**
 * A new network password: 20 characters from an alphabet without look-alikes (no 0/O, 1/l/I), in groups of
 * five for typing on a phone, about 100 bits of entropy, so a captured MSCHAPv2 exchange (whose offline
 * attack costs one DES key search, not the password's strength) is the weak point, never the password.
 */
import { randomInt } from 'node:crypto';

const ALPHABET = 'abcdefghijkmnpqrstuvwxyz23456789';

/** Generates a network password like `k7mdq-x3ps9-wnf2h-tr8ea`. */
export function generateNetworkPassword(): string {
  const groups: string[] = [];
  for (let g = 0; g < 4; g++) {
    let group = '';
    for (let i = 0; i < 5; i++) group += ALPHABET[randomInt(ALPHABET.length)];
    groups.push(group);
  }
  return groups.join('-');
}
