import { createHash } from 'node:crypto';

/** A user's stable public id: SHA-256 of the install id and the user's pk, as outposts expose it. */
export function userUid(installId: string, userId: number): string {
  return createHash('sha256').update(`${installId}-${userId}`).digest('hex');
}
