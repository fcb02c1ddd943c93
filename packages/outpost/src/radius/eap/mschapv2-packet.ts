/**
 * EAP-MSCHAPv2 packets (draft-kamath-pppext-eap-mschapv2, RFC 2759): the server's Challenge and Success or
 * Failure requests, and the peer's Response. Only the formats: the check of the NT-Response happens in the
 * core, which alone holds the network password.
 */

/** MSCHAPv2 op-codes. */
export const MSCHAP_OP = { Challenge: 1, Response: 2, Success: 3, Failure: 4 } as const;

/** The Challenge request's data (after the EAP type): op-code, id, MS-Length, value size, challenge, name. */
export function challengeData(id: number, challenge: Buffer, serverName: string): Buffer {
  const name = Buffer.from(serverName, 'utf8');
  const out = Buffer.alloc(4 + 1 + 16 + name.length);
  out[0] = MSCHAP_OP.Challenge;
  out[1] = id;
  out.writeUInt16BE(out.length, 2);
  out[4] = 16;
  challenge.copy(out, 5);
  name.copy(out, 21);
  return out;
}

/** A peer's Response, parsed. */
export interface MschapResponse {
  id: number;
  peerChallenge: Buffer;
  ntResponse: Buffer;
  name: string;
}

/** Parses a Response (op-code 2) data field; undefined when it is not one. */
export function parseResponse(data: Buffer): MschapResponse | undefined {
  if (data.length < 4 + 1 + 49 || data[0] !== MSCHAP_OP.Response || data[4] !== 49) return undefined;
  if (data.readUInt16BE(2) !== data.length) return undefined;
  return {
    id: data[1] as number,
    peerChallenge: Buffer.from(data.subarray(5, 21)),
    ntResponse: Buffer.from(data.subarray(29, 53)),
    name: data.subarray(54).toString('utf8'),
  };
}

/** The Success request's data: op-code, id, MS-Length, then `S=<authenticator response> M=<message>`. */
export function successData(id: number, authenticatorResponse: string): Buffer {
  const message = Buffer.from(`${authenticatorResponse} M=Welcome`, 'utf8');
  const out = Buffer.alloc(4 + message.length);
  out[0] = MSCHAP_OP.Success;
  out[1] = id;
  out.writeUInt16BE(out.length, 2);
  message.copy(out, 4);
  return out;
}
