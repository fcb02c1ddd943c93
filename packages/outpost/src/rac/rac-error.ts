/**
 * Why a RAC connection ended, in two words for metrics and logs (`code`) and one line for the user (the
 * close reason the page shows). The message never holds a secret of the params.
 */

/** The stable reasons a connection fails or ends (the `reason` label of the failure counter). */
export type RacFailure =
  | 'target_refused'
  | 'target_unreachable'
  | 'target_timeout'
  | 'authentication_failed'
  | 'target_protocol_error'
  | 'browser_protocol_error'
  | 'input_flood'
  | 'unsupported_protocol'
  | 'bad_params'
  | 'relay_failed';

/** A connection failed for `code`; `message` is what the browser is told (≤ 123 bytes, a close reason). */
export class RacError extends Error {
  override name = 'RacError';
  readonly code: RacFailure;
  constructor(code: RacFailure, message: string) {
    super(message);
    this.code = code;
  }
}

/** Socket errors of the target's TCP connection, as the user is told them. */
const NETWORK_ERRORS: Record<string, [RacFailure, string]> = {
  ECONNREFUSED: ['target_refused', 'target refused: connection refused'],
  ECONNRESET: ['target_refused', 'target refused: connection reset'],
  EHOSTUNREACH: ['target_unreachable', 'target unreachable: no route to host'],
  ENETUNREACH: ['target_unreachable', 'target unreachable: network unreachable'],
  ENOTFOUND: ['target_unreachable', 'target unreachable: host not found'],
  EAI_AGAIN: ['target_unreachable', 'target unreachable: host not found'],
  ETIMEDOUT: ['target_timeout', 'target did not answer'],
};

/** Any error of a target connection as a RacError (unknown ones are the target's fault, logged as such). */
export function toRacError(error: unknown): RacError {
  if (error instanceof RacError) return error;
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const known = code === undefined ? undefined : NETWORK_ERRORS[code];
  if (known) return new RacError(known[0], known[1]);
  return new RacError('target_unreachable', 'target connection failed');
}
