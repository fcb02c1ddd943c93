/** EAP packets (RFC 3748 §4) as RADIUS carries them in EAP-Message (RFC 3579 §3.1). */

/** EAP codes. */
export const EAP_CODE = { Request: 1, Response: 2, Success: 3, Failure: 4 } as const;

/** EAP method types used here. */
export const EAP_TYPE = { Identity: 1, Nak: 3, Tls: 13, Peap: 25, MsChapV2: 26, Extensions: 33 } as const;

/** One EAP packet; `type` and `data` only for Request and Response. */
export interface EapPacket {
  code: number;
  identifier: number;
  type?: number;
  data: Buffer;
}

/** Decodes an EAP packet, or undefined when its Length does not match what arrived. */
export function decodeEap(buffer: Buffer): EapPacket | undefined {
  if (buffer.length < 4) return undefined;
  const code = buffer[0] as number;
  const length = buffer.readUInt16BE(2);
  if (length !== buffer.length) return undefined;
  if (code === EAP_CODE.Success || code === EAP_CODE.Failure)
    return length === 4 ? { code, identifier: buffer[1] as number, data: Buffer.alloc(0) } : undefined;
  if ((code !== EAP_CODE.Request && code !== EAP_CODE.Response) || length < 5) return undefined;
  return { code, identifier: buffer[1] as number, type: buffer[4], data: buffer.subarray(5) };
}

/** Encodes an EAP packet. */
export function encodeEap(packet: EapPacket): Buffer {
  const head = packet.type === undefined ? 4 : 5;
  const out = Buffer.alloc(head + packet.data.length);
  out[0] = packet.code;
  out[1] = packet.identifier;
  out.writeUInt16BE(out.length, 2);
  if (packet.type !== undefined) out[4] = packet.type;
  packet.data.copy(out, head);
  return out;
}
