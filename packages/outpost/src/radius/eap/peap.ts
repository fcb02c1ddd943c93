/**
 * PEAPv0 phase 2 (draft-kamath-pppext-peapv0, as Windows and wpa_supplicant speak it): inside the tunnel,
 * EAP packets travel without their 4-octet header except the Extensions (TLV) ones. The server asks the
 * inner identity, sends an MSCHAPv2 Challenge, has the core check the Response against the user's network
 * password (the core answers the Authenticator Response and the access check), sends MSCHAPv2 Success, then
 * a Result TLV; the peer's Result TLV of success ends it in an Access-Accept.
 */
import { randomBytes } from 'node:crypto';
import type { RejectReason } from '../metrics.ts';
import type { Attribute } from '../packet.ts';
import type { HandlerReply, RadiusRequest } from '../types.ts';
import type { Conversation } from './conversations.ts';
import { EAP_CODE, EAP_TYPE, type EapPacket, encodeEap } from './eap-packet.ts';
import type { EapBackend } from './handler.ts';
import { challengeData, MSCHAP_OP, parseResponse, successData } from './mschapv2-packet.ts';

/** The server name in the MSCHAPv2 Challenge. */
const SERVER_NAME = 'palisade';
/** Result TLV (RFC draft: type 3, mandatory bit set), and its values. */
const RESULT_TLV = 0x8003;
const RESULT = { Success: 1, Failure: 2 } as const;

/** What a phase-2 step may do. */
export interface InnerContext {
  request: RadiusRequest;
  conversation: Conversation;
  eap: EapPacket;
  backend: EapBackend;
  send(plaintext: Buffer): Promise<HandlerReply>;
  reject(reason: RejectReason, detail: string): HandlerReply;
  accept(granted: Attribute[], user: string): Promise<HandlerReply>;
  nextId(): number;
}

/** A phase-2 request without its header (PEAPv0): the type, then the data. */
const compressed = (type: number, data: Buffer) => Buffer.concat([Buffer.from([type]), data]);

/** The peer's phase-2 packet: the Extensions ones have a header, the others not. */
function innerPacket(plaintext: Buffer, outerId: number): EapPacket | undefined {
  if (plaintext.length >= 5 && plaintext[0] === EAP_CODE.Response && plaintext[4] === EAP_TYPE.Extensions) {
    if (plaintext.readUInt16BE(2) !== plaintext.length) return undefined;
    return {
      code: EAP_CODE.Response,
      identifier: plaintext[1] as number,
      type: EAP_TYPE.Extensions,
      data: plaintext.subarray(5),
    };
  }
  if (plaintext.length < 1) return undefined;
  return { code: EAP_CODE.Response, identifier: outerId, type: plaintext[0], data: plaintext.subarray(1) };
}

/** The tunnel is up: ask the inner identity. */
export function startInner(ctx: InnerContext): Promise<HandlerReply> {
  ctx.conversation.phase = 'inner-identity';
  return ctx.send(compressed(EAP_TYPE.Identity, Buffer.alloc(0)));
}

/** One phase-2 response (the tunnel's plaintext already fed). */
export async function innerStep(ctx: InnerContext): Promise<HandlerReply> {
  const { conversation } = ctx;
  const tls = conversation.tls;
  const inner = tls ? innerPacket(tls.takePlaintext(), ctx.eap.identifier) : undefined;
  if (!inner) return ctx.reject('flow_error', 'malformed phase-2 packet');
  switch (conversation.phase) {
    case 'inner-identity': {
      if (inner.type !== EAP_TYPE.Identity)
        return ctx.reject('flow_error', 'phase 2 did not start with an identity');
      conversation.innerIdentity = inner.data.toString('utf8');
      conversation.challenge = randomBytes(16);
      conversation.mschapId = randomBytes(1)[0] as number;
      conversation.phase = 'inner-challenge';
      return ctx.send(
        compressed(
          EAP_TYPE.MsChapV2,
          challengeData(conversation.mschapId, conversation.challenge, SERVER_NAME),
        ),
      );
    }
    case 'inner-challenge': {
      if (inner.type === EAP_TYPE.Nak)
        return ctx.reject('unsupported', 'the peer refused MSCHAPv2 inside PEAP');
      const response = inner.type === EAP_TYPE.MsChapV2 ? parseResponse(inner.data) : undefined;
      if (!response || response.id !== conversation.mschapId)
        return ctx.reject('flow_error', 'malformed MSCHAPv2 response');
      const outcome = await ctx.backend.mschapv2({
        provider: conversation.provider,
        address: ctx.request.address,
        username: response.name,
        authenticatorChallenge: conversation.challenge as Buffer,
        peerChallenge: response.peerChallenge,
        ntResponse: response.ntResponse,
      });
      if (!outcome.ok) return ctx.reject(outcome.reason, outcome.detail);
      conversation.innerIdentity = response.name;
      conversation.granted = outcome.attributes;
      conversation.phase = 'inner-success';
      return ctx.send(
        compressed(
          EAP_TYPE.MsChapV2,
          successData(conversation.mschapId as number, outcome.authenticatorResponse ?? ''),
        ),
      );
    }
    case 'inner-success': {
      if (inner.type !== EAP_TYPE.MsChapV2 || inner.data[0] !== MSCHAP_OP.Success)
        return ctx.reject('flow_error', 'the peer did not take the MSCHAPv2 success');
      conversation.phase = 'tlv';
      const tlv = Buffer.alloc(6);
      tlv.writeUInt16BE(RESULT_TLV, 0);
      tlv.writeUInt16BE(2, 2);
      tlv.writeUInt16BE(RESULT.Success, 4);
      return ctx.send(
        encodeEap({ code: EAP_CODE.Request, identifier: ctx.nextId(), type: EAP_TYPE.Extensions, data: tlv }),
      );
    }
    case 'tlv': {
      const ok =
        inner.type === EAP_TYPE.Extensions &&
        inner.data.length >= 6 &&
        (inner.data.readUInt16BE(0) & 0x3fff) === (RESULT_TLV & 0x3fff) &&
        inner.data.readUInt16BE(4) === RESULT.Success;
      if (!ok) return ctx.reject('flow_error', 'the peer did not confirm the result');
      return ctx.accept(conversation.granted ?? [], conversation.innerIdentity ?? conversation.identity);
    }
    default:
      return ctx.reject('flow_error', `phase-2 packet in phase ${conversation.phase}`);
  }
}
