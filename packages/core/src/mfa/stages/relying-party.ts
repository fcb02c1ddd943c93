import type { StageRun } from '../../flows/engine/stage.ts';
import { type RelyingParty, relyingPartyFor } from '../webauthn.ts';

/**
 * The WebAuthn relying party of a flow attempt: the origin the client reached the core at (the executor and
 * the pages pass it in), else the configured external URL. Undefined when neither is known: WebAuthn is
 * then not offered at all rather than checked against a guessed origin.
 */
export function flowRelyingParty(run: StageRun<object>): RelyingParty | undefined {
  const origin = run.client.origin ?? run.ctx.config.external_url;
  if (!origin || !URL.canParse(origin)) return undefined;
  return relyingPartyFor(origin);
}
