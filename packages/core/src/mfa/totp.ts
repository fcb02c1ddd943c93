import { Secret, TOTP } from 'otpauth';

/**
 * TOTP (RFC 6238) arithmetic through `otpauth`: new secrets, the otpauth:// URI an authenticator app scans,
 * and which time step a code belongs to. Storage and single use are in totp-devices-repository.ts.
 */

/** The hash algorithms a TOTP device may use; SHA1 is what authenticator apps expect by default. */
export const TOTP_ALGORITHMS = ['SHA1', 'SHA256', 'SHA512'] as const;
/** One of TOTP_ALGORITHMS. */
export type TotpAlgorithm = (typeof TOTP_ALGORITHMS)[number];

/** The parameters of one TOTP device (the secret as base32, as apps show it). */
export interface TotpParameters {
  secret: string;
  digits: 6 | 8;
  period: number;
  algorithm: TotpAlgorithm;
}

/** Default parameters of a new device: 6 digits, 30-second steps, SHA1 (RFC 6238's reference values). */
export const TOTP_DEFAULTS = { digits: 6, period: 30, algorithm: 'SHA1' } as const;

/** Codes of the steps just before and after the current one are accepted too (clock drift, typing time). */
export const TOTP_WINDOW = 1;

/** A new random secret of 160 bits (RFC 4226 §4 recommends it), base32. */
export function newTotpSecret(): string {
  return new Secret({ size: 20 }).base32;
}

function totp(parameters: TotpParameters, label = '', issuer = ''): TOTP {
  return new TOTP({
    issuer,
    label,
    issuerInLabel: issuer !== '',
    secret: Secret.fromBase32(parameters.secret),
    digits: parameters.digits,
    period: parameters.period,
    algorithm: parameters.algorithm,
  });
}

/** The otpauth://totp/ URI of a device, for the setup QR code. */
export function totpUri(parameters: TotpParameters, account: string, issuer: string): string {
  return totp(parameters, account, issuer).toString();
}

/** The code of the time step containing `nowMs` (for tests and for showing a device works). */
export function totpCodeAt(parameters: TotpParameters, nowMs: number): string {
  return totp(parameters).generate({ timestamp: nowMs });
}

/** The time step (number of periods since the epoch) that contains `nowMs`. */
export function totpStepAt(parameters: Pick<TotpParameters, 'period'>, nowMs: number): number {
  return Math.floor(nowMs / 1000 / parameters.period);
}

/**
 * The time step `code` belongs to, within ±TOTP_WINDOW steps of `nowMs`; undefined when it matches none.
 * A code of the wrong length or with non-digits never matches (and is not compared at all).
 */
export function totpStepOf(parameters: TotpParameters, code: string, nowMs: number): number | undefined {
  if (code.length !== parameters.digits || !/^[0-9]+$/.test(code)) return undefined;
  const delta = totp(parameters).validate({ token: code, timestamp: nowMs, window: TOTP_WINDOW });
  return delta === null ? undefined : totpStepAt(parameters, nowMs) + delta;
}
