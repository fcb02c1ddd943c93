/**
 * The checks a RADIUS outpost asks of the core for EAP, where no flow runs: PEAP-MSCHAPv2 against the user's
 * network password (the core opens it; it never leaves), and EAP-TLS's client certificate mapped to its
 * user; then, for either, the same access check as check_access. Counted in the login throttle per user and
 * NAS address, as a sign-in is.
 */
import { X509Certificate } from 'node:crypto';
import type { AppContext } from '../context.ts';
import { queryOne } from '../db/database.ts';
import { findUserByUsername, type User } from '../identity/users-repository.ts';
import { type AccessCheck, checkOutpostAccess } from '../outposts/access-check.ts';
import { authenticatorResponse, ntPasswordHash, verifyNtResponse } from './mschapv2.ts';
import { openNetworkPassword, touchNetworkPassword } from './network-passwords-repository.ts';

/** What a check answers: whether the credential held, and the access check when it did. */
export interface EapCheck {
  valid: boolean;
  authenticator_response: string | null;
  access: AccessCheck;
  attributes: string | null;
}

const refused = (message: string): EapCheck => ({
  valid: false,
  authenticator_response: null,
  access: { passing: false, messages: [message], log_messages: [] },
  attributes: null,
});

/** A Windows peer may send `DOMAIN\user`: the account is the part after the backslash. */
export function accountName(username: string): string {
  const at = username.lastIndexOf('\\');
  return at === -1 ? username : username.slice(at + 1);
}

async function grantFor(ctx: AppContext, user: User, providerId: number): Promise<AccessCheck> {
  const app = await queryOne<{ slug: string }>(
    ctx.db,
    'SELECT slug FROM applications WHERE provider_id = $1',
    [providerId],
  );
  return checkOutpostAccess(ctx, { user, providerId, kind: 'radius', appSlug: app?.slug });
}

/** PEAP-MSCHAPv2: is `ntResponse` made with the network password of `username`? Then the access check. */
export async function checkMschapv2(
  ctx: AppContext,
  input: {
    providerId: number;
    address: string;
    username: string;
    authenticatorChallenge: Buffer;
    peerChallenge: Buffer;
    ntResponse: Buffer;
  },
): Promise<EapCheck> {
  const account = accountName(input.username);
  const throttled = ctx.throttle.check(account, input.address);
  if (!throttled.allowed) return refused('Too many attempts.');
  const user = await findUserByUsername(ctx.db, account);
  const password = user?.isActive ? await openNetworkPassword(ctx.db, ctx.box, user.id) : undefined;
  // The same work whether or not the user or their network password exists.
  const hash = ntPasswordHash(password ?? 'no network password: never matches');
  const exchange = { ...input, username: input.username };
  const valid = verifyNtResponse(exchange, hash) && password !== undefined && user !== undefined;
  if (!valid || !user) {
    ctx.throttle.recordFailure(account, input.address);
    return refused('Invalid username or network password.');
  }
  ctx.throttle.recordSuccess(account, input.address);
  await touchNetworkPassword(ctx.db, user.id);
  return {
    valid: true,
    authenticator_response: authenticatorResponse(exchange, hash),
    access: await grantFor(ctx, user, input.providerId),
    attributes: null,
  };
}

/**
 * EAP-TLS: the outpost verified the chain to the provider's CA; the certificate names its user when its
 * subject CN is the EAP identity's username, or a subject-alternative e-mail is that user's e-mail.
 */
export async function checkCertificate(
  ctx: AppContext,
  input: { providerId: number; identity: string; certificatePem: string },
): Promise<EapCheck> {
  let certificate: X509Certificate;
  try {
    certificate = new X509Certificate(input.certificatePem);
  } catch {
    return refused('The certificate does not parse.');
  }
  const user = await findUserByUsername(ctx.db, accountName(input.identity));
  if (!user?.isActive) return refused('No such user.');
  const commonName = /(?:^|\n)CN=([^\n]*)/.exec(certificate.subject)?.[1];
  const emails = (certificate.subjectAltName ?? '')
    .split(', ')
    .filter((entry) => entry.startsWith('email:'))
    .map((entry) => entry.slice('email:'.length).toLowerCase());
  const named =
    commonName === user.username || (user.email !== '' && emails.includes(user.email.toLowerCase()));
  if (!named) return refused('The certificate does not name this user.');
  return {
    valid: true,
    authenticator_response: null,
    access: await grantFor(ctx, user, input.providerId),
    attributes: null,
  };
}
