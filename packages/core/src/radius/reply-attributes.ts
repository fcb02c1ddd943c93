import { accessAcceptCarrying, type ReplyAttribute } from '@palisade/schema';
import type { Queryable } from '../db/database.ts';
import { replyAttributesOf } from './property-mappings.ts';

/**
 * What check_access hands a RADIUS outpost for a user who passes: the provider's mapped attributes, resolved
 * (`attribute_list`) and as the reference's base64 Access-Accept (`attributes`). A reply that would not fit
 * a RADIUS packet is an error the caller turns into a refusal: an Accept without its VLAN assignment could
 * put the user on the wrong network.
 */
export async function replyAttributesFor(
  db: Queryable,
  providerId: number,
): Promise<{ attribute_list: ReplyAttribute[]; attributes?: string }> {
  const list = await replyAttributesOf(db, providerId);
  if (list.length === 0) return { attribute_list: [] };
  return { attribute_list: list, attributes: Buffer.from(accessAcceptCarrying(list)).toString('base64') };
}
