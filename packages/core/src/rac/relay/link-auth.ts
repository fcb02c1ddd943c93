import { timingSafeEqual } from 'node:crypto';
import type { SecretBox } from '../../identity/secret-box.ts';

/** The header a core replica proves itself with when it dials another's /ws/rac_link/<channel>/. */
export const LINK_HEADER = 'x-palisade-rac-link';

/** How old a link proof may be: replicas' clocks are assumed to agree within this. */
const MAX_AGE_MS = 30_000;

function mac(box: SecretBox, channelId: string, timestamp: number): string {
  // Its own prefix keeps these digests apart from every other use of the secret box's keyed digest.
  return box.digest(`palisade rac link\n${channelId}\n${timestamp}`);
}

/** A proof, for one channel and a short while, that the caller holds the instance's secret key. */
export function signLink(box: SecretBox, channelId: string, now: number = Date.now()): string {
  return `${now}.${mac(box, channelId, now)}`;
}

/** Whether `proof` is a fresh proof for `channelId` made with this instance's secret key. */
export function verifyLink(
  box: SecretBox,
  channelId: string,
  proof: string | undefined,
  now: number = Date.now(),
): boolean {
  const match = /^([0-9]{1,15})\.([0-9a-f]{64})$/.exec(proof ?? '');
  if (!match) return false;
  const timestamp = Number(match[1]);
  if (Math.abs(now - timestamp) > MAX_AGE_MS) return false;
  const expected = Buffer.from(mac(box, channelId, timestamp), 'hex');
  return timingSafeEqual(expected, Buffer.from(match[2] ?? '', 'hex'));
}
