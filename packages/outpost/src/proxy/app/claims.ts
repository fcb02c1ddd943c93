/** Turns a token payload or an introspection answer into SessionClaims (spec §5.3), checking every type. */
import type { SessionClaims } from '../types.ts';

const stringOr = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);
const stringList = (value: unknown): string[] | undefined =>
  Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : undefined;

function akProxy(value: unknown): SessionClaims['ak_proxy'] {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return {};
  const record = value as Record<string, unknown>;
  const attributes = record.user_attributes;
  return {
    user_attributes:
      typeof attributes === 'object' && attributes !== null && !Array.isArray(attributes)
        ? (attributes as Record<string, unknown>)
        : {},
    backend_override: stringOr(record.backend_override),
    host_header: stringOr(record.host_header),
    is_superuser: record.is_superuser === true,
  };
}

/** Claims from a payload; undefined when `sub` or `exp` is missing or mistyped (such a token is refused). */
export function claimsFrom(payload: Record<string, unknown>, rawToken: string): SessionClaims | undefined {
  const sub = payload.sub;
  const exp = payload.exp;
  if (typeof sub !== 'string' || sub === '' || typeof exp !== 'number' || !Number.isFinite(exp))
    return undefined;
  return {
    sub,
    exp,
    email: stringOr(payload.email),
    email_verified: payload.email_verified === true,
    name: stringOr(payload.name),
    preferred_username: stringOr(payload.preferred_username),
    groups: stringList(payload.groups) ?? [],
    entitlements: stringList(payload.entitlements) ?? [],
    sid: stringOr(payload.sid),
    ak_proxy: akProxy(payload.ak_proxy),
    raw_token: rawToken,
  };
}
