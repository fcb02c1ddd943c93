/**
 * The password and MFA code of a PAP request (ldap-radius-rac.md §0.2, latest): with `mfa_support`, a
 * password holding `;` and not ending with it is split at the last `;`, the right part being the code; without
 * it, the whole string is the password and is also offered as the code (code-only flows).
 */

/** What the flow receives: the password, and the code if there is one. */
export interface Secrets {
  password: string;
  code: string | undefined;
}

/** Splits `password` as the provider's `mfa_support` says. */
export function splitSecrets(password: string, mfaSupport: boolean): Secrets {
  if (!mfaSupport) return { password, code: password };
  const at = password.lastIndexOf(';');
  if (at === -1 || at === password.length - 1) return { password, code: undefined };
  return { password: password.slice(0, at), code: password.slice(at + 1) };
}
