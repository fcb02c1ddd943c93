/**
 * The access check after a passed flow (ldap-radius-rac.md §2.3 step 4-5): `GET
 * /outposts/radius/<pk>/check_access/?app_slug=` with the user's session, then the mapped attributes, a
 * base64 RADIUS packet whose attributes all go into the Access-Accept. Every doubt is a reject reason.
 */
import { Type } from '@sinclair/typebox';
import type { ExecutorClient } from '../flow/executor-client.ts';
import { compileChecker } from '../process/checked.ts';
import { ATTR } from './attributes.ts';
import { type Attribute, decodePacket } from './packet.ts';

// The answer's shape as the outpost relies on it; `attributes` may be absent (an older core) or null.
const CheckAccessAnswer = Type.Object({
  access: Type.Object({ passing: Type.Boolean(), messages: Type.Optional(Type.Array(Type.String())) }),
  attributes: Type.Optional(Type.Union([Type.String({ maxLength: 8192 }), Type.Null()])),
});
const checkAnswer = compileChecker(CheckAccessAnswer);

/** The outcome: the attributes to send, or why not (the spec's reject reasons). */
export type AccessOutcome =
  | { passing: true; attributes: Attribute[] }
  | {
      passing: false;
      reason: 'access_denied' | 'access_check_fail' | 'attribute_decode_failed' | 'attribute_parse_failed';
      detail: string;
    };

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Decodes the mapped attributes (a whole packet); Message-Authenticator and State are never copied. */
export function mappedAttributes(encoded: string): Attribute[] | 'decode' | 'parse' {
  if (!BASE64.test(encoded)) return 'decode';
  try {
    const packet = decodePacket(Buffer.from(encoded, 'base64'));
    return packet.attributes.filter((a) => a.type !== ATTR.MessageAuthenticator && a.type !== ATTR.State);
  } catch {
    return 'parse';
  }
}

/** Asks the core, in the session `client`'s flow left, whether its user may use the application. Never throws. */
export async function checkAccess(
  client: ExecutorClient,
  target: { providerPk: number; appSlug: string },
): Promise<AccessOutcome> {
  const query = new URLSearchParams({ app_slug: target.appSlug });
  let answer;
  try {
    answer = await client.get(`outposts/radius/${target.providerPk}/check_access/?${query}`, checkAnswer);
  } catch (error) {
    // A status other than 200, no answer, not JSON, not this shape: CoreUnavailableError (or the checker's).
    return { passing: false, reason: 'access_check_fail', detail: (error as Error).message };
  }
  if (!answer.access.passing)
    return { passing: false, reason: 'access_denied', detail: answer.access.messages?.join('; ') ?? '' };
  if (answer.attributes === undefined || answer.attributes === null || answer.attributes === '')
    return { passing: true, attributes: [] };
  const attributes = mappedAttributes(answer.attributes);
  if (attributes === 'decode')
    return { passing: false, reason: 'attribute_decode_failed', detail: 'attributes are not base64' };
  if (attributes === 'parse')
    return { passing: false, reason: 'attribute_parse_failed', detail: 'attributes are not a RADIUS packet' };
  return { passing: true, attributes };
}
