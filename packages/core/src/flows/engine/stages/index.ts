import type { StageKind } from '../stage.ts';
import { consentStage } from './consent.ts';
import { denyStage } from './deny.ts';
import { identificationStage } from './identification.ts';
import { passwordStage } from './password.ts';
import { userLoginStage } from './user-login.ts';
import { userLogoutStage } from './user-logout.ts';
import { authenticatorStaticStage } from '../../../mfa/stages/authenticator-static.ts';
import { authenticatorTotpStage } from '../../../mfa/stages/authenticator-totp.ts';
import { authenticatorValidateStage } from '../../../mfa/stages/authenticator-validate.ts';
import { authenticatorWebAuthnStage } from '../../../mfa/stages/authenticator-webauthn.ts';

/**
 * Every stage kind the core knows: the one place a kind is registered (see StageKind in ../stage.ts). The
 * REST routes, the executor and the HTML pages all read this list. To add a kind, import it here.
 */
// Each kind is typed by its own config; the list holds them at the common base (their configs are JSON).
export const STAGE_KINDS: readonly StageKind<object>[] = [
  identificationStage,
  passwordStage,
  userLoginStage,
  userLogoutStage,
  consentStage,
  denyStage,
  authenticatorValidateStage,
  authenticatorTotpStage,
  authenticatorStaticStage,
  authenticatorWebAuthnStage,
] as unknown as readonly StageKind<object>[];

/** The registered kind named `kind`, if any. */
export function stageKindNamed(kind: string): StageKind<object> | undefined {
  return STAGE_KINDS.find((k) => k.kind === kind);
}
