/**
 * The MFA code carried in an LDAP bind password or a RADIUS User-Password (ldap-radius-rac.md §0.2,
 * reference study §4.2). With `mfa_support`, a
 * password `secret;123456` is split at the last `;` when what follows looks like a code: 6-8 digits (TOTP)
 * or 8-32 letters and digits (static codes; Palisade's are 12). Anything else stays whole, so a password
 * that merely contains `;` still works. Without `mfa_support`, the whole string is the password and is
 * also offered as the code, for flows that ask only a code. (The reference's latest version splits at any
 * `;`, which locks out a user whose password has one; its older check of the code's shape is kept here.)
 */

const CODE = /^(?:\d{6,8}|[A-Za-z0-9]{8,32})$/;

/** What the flow receives: the password, and the code if there is one. */
export interface Secrets {
  password: string;
  code: string | undefined;
}

/** The password and the code a secret carries, as the provider's `mfa_support` says. */
export function splitSecret(secret: string, mfaSupport: boolean): Secrets {
  if (!mfaSupport) return { password: secret, code: secret };
  const at = secret.lastIndexOf(';');
  if (at < 0 || at === secret.length - 1) return { password: secret, code: undefined };
  const code = secret.slice(at + 1);
  if (!CODE.test(code)) return { password: secret, code: undefined };
  return { password: secret.slice(0, at), code };
}
