/**
 * EAP over RADIUS (RFC 3579): the outer conversation. An EAP-Response/Identity starts one, PEAP is proposed
 * and a NAK may switch to EAP-TLS; the TLS handshake runs over EAP-TLS framing (TlsSession), then EAP-TLS
 * ends with the client certificate's check and PEAP goes on to MSCHAPv2 inside the tunnel (peap.ts). Every
 * failure ends in an Access-Reject carrying EAP-Failure; a response out of sequence is dropped.
 */
import type { X509Certificate } from 'node:crypto';
import type { SecureContext } from 'node:tls';
import { ATTR, attribute, attributes, text } from '../attributes.ts';
import type { RadiusMetrics, RejectReason } from '../metrics.ts';
import { type Attribute, CODE, split } from '../packet.ts';
import type { HandlerReply, RadiusProvider, RadiusRequest, RequestHandler } from '../types.ts';
import type { Logger } from '../../process/logger.ts';
import { verifyClientCertificate } from './client-certificate.ts';
import { type Conversation, Conversations } from './conversations.ts';
import { decodeEap, EAP_CODE, EAP_TYPE, type EapPacket, encodeEap } from './eap-packet.ts';
import { mppeKeyAttributes } from './mppe-keys.ts';
import { innerStep, startInner } from './peap.ts';
import { MAX_TLS_MESSAGE, nextFragment, parseTlsData, TLS_FLAG } from './tls-framing.ts';
import { TlsSession } from './tls-session.ts';

/** What an inner check (the core) answers. */
export type InnerOutcome =
  | { ok: true; attributes: Attribute[]; authenticatorResponse?: string }
  | { ok: false; reason: RejectReason; detail: string };

/** The checks only the core can make, and the provider's TLS server context. */
export interface EapBackend {
  /** The provider's EAP server context (its certificate), if it has one with a key. */
  contextFor(provider: RadiusProvider): SecureContext | undefined;
  /** The CA certificates whose client certificates EAP-TLS accepts (those of the provider's PEM). */
  trustedFor(provider: RadiusProvider): readonly X509Certificate[];
  /** PEAP phase 2: the MSCHAPv2 answer checked against the user's network password, then access. */
  mschapv2(input: {
    provider: RadiusProvider;
    address: string;
    username: string;
    authenticatorChallenge: Buffer;
    peerChallenge: Buffer;
    ntResponse: Buffer;
  }): Promise<InnerOutcome>;
  /** EAP-TLS: the verified client certificate's user, then access. */
  certificate(input: {
    provider: RadiusProvider;
    address: string;
    identity: string;
    der: Buffer;
  }): Promise<InnerOutcome>;
}

/** The EAP label of the key material (RFC 5216 §2.3; PEAPv0 uses the same). */
const KEY_LABEL = 'client EAP encryption';

/** A step's result: a reply, or nothing (drop). */
type Step = Promise<HandlerReply | undefined>;

/** Builds the EAP handler. */
export function eapHandler(deps: {
  backend: EapBackend;
  metrics: RadiusMetrics;
  log: Logger;
  /** The clock of conversation expiry (tests move it). */
  now?: () => number;
}): RequestHandler & {
  conversations: Conversations;
} {
  const { backend, metrics, log } = deps;
  const conversations = new Conversations(deps.now);

  const eapMessage = (packet: EapPacket): Attribute[] => split(ATTR.EapMessage, encodeEap(packet));

  const challenge = (conversation: Conversation, type: number, data: Buffer): HandlerReply => {
    conversation.lastId = (conversation.lastId + 1) & 0xff;
    return {
      code: CODE.AccessChallenge,
      attributes: [
        ...eapMessage({ code: EAP_CODE.Request, identifier: conversation.lastId, type, data }),
        { type: ATTR.State, value: Buffer.from(conversation.key, 'hex') },
      ],
    };
  };

  const reject = (
    request: RadiusRequest,
    conversation: Conversation | undefined,
    identifier: number,
    reason: RejectReason,
    detail: string,
  ): HandlerReply => {
    if (conversation) conversations.end(conversation);
    metrics.rejected(request.provider.appSlug, reason);
    log.info(
      { client: request.address, app: request.provider.appSlug, reason, detail },
      'Access-Reject (EAP)',
    );
    return {
      code: CODE.AccessReject,
      attributes: eapMessage({ code: EAP_CODE.Failure, identifier, data: Buffer.alloc(0) }),
    };
  };

  // Sends the next fragment of the pending TLS message (the caller checked there is one).
  const sendPending = (conversation: Conversation): HandlerReply => {
    const { data, rest } = nextFragment(
      conversation.pending,
      !conversation.sentFirst,
      conversation.pendingTotal,
    );
    conversation.pending = rest;
    conversation.sentFirst = true;
    return challenge(conversation, conversation.method, data);
  };

  const queue = (conversation: Conversation, records: Buffer): void => {
    conversation.pending = records;
    conversation.pendingTotal = records.length;
    conversation.sentFirst = false;
  };

  async function accept(
    request: RadiusRequest,
    conversation: Conversation,
    identifier: number,
    granted: Attribute[],
    user: string,
  ) {
    const tls = conversation.tls as TlsSession;
    const msk = tls.keyingMaterial(64, KEY_LABEL);
    conversations.end(conversation);
    log.info({ client: request.address, app: request.provider.appSlug, user }, 'Access-Accept (EAP)');
    return {
      code: CODE.AccessAccept,
      attributes: [
        ...eapMessage({ code: EAP_CODE.Success, identifier, data: Buffer.alloc(0) }),
        text(ATTR.UserName, user),
        ...mppeKeyAttributes(msk, request.provider.secret, request.packet.authenticator),
        ...granted,
      ],
    };
  }

  // The handshake and, once the tunnel is up, what follows it.
  async function tlsStep(request: RadiusRequest, conversation: Conversation, eap: EapPacket): Step {
    const tlsData = parseTlsData(eap.data);
    if (!tlsData)
      return reject(request, conversation, eap.identifier, 'flow_error', 'malformed EAP-TLS data');
    if (tlsData.fragment.length > 0) {
      conversation.incomingBytes += tlsData.fragment.length;
      if (conversation.incomingBytes > MAX_TLS_MESSAGE || (tlsData.totalLength ?? 0) > MAX_TLS_MESSAGE)
        return reject(request, conversation, eap.identifier, 'flow_error', 'TLS message too large');
      conversation.incoming.push(tlsData.fragment);
      // More fragments follow: acknowledge this one (an empty request).
      if (tlsData.flags & TLS_FLAG.More)
        return challenge(conversation, conversation.method, Buffer.from([0]));
      const tls = (conversation.tls ??= new TlsSession(
        backend.contextFor(conversation.provider) as SecureContext,
        conversation.method === EAP_TYPE.Tls,
      ));
      const message = Buffer.concat(conversation.incoming.splice(0));
      conversation.incomingBytes = 0;
      await tls.feed(message);
      if (tls.error)
        return reject(request, conversation, eap.identifier, 'flow_error', `TLS: ${tls.error.message}`);
      if (conversation.phase !== 'handshake') return innerStep(innerContext(request, conversation, eap));
      const records = tls.takeRecords();
      if (records.length > 0) {
        queue(conversation, records);
        return sendPending(conversation);
      }
    }
    if (conversation.pending.length > 0) return sendPending(conversation);
    if (conversation.phase !== 'handshake')
      return reject(
        request,
        conversation,
        eap.identifier,
        'flow_error',
        'an empty response inside the tunnel',
      );
    // The peer acknowledged the last fragment of our last flight.
    const tls = conversation.tls;
    if (!tls?.established)
      return reject(request, conversation, eap.identifier, 'flow_error', 'TLS handshake stalled');
    if (conversation.method === EAP_TYPE.Peap) return startInner(innerContext(request, conversation, eap));
    const der = tls.peerCertificate();
    if (!der)
      return reject(request, conversation, eap.identifier, 'invalid_credentials', 'no client certificate');
    const trust = verifyClientCertificate(der, backend.trustedFor(conversation.provider));
    if (!trust.ok) {
      const detail = `client certificate: ${trust.reason}`;
      return reject(request, conversation, eap.identifier, 'invalid_credentials', detail);
    }
    const outcome = await backend.certificate({
      provider: conversation.provider,
      address: request.address,
      identity: conversation.identity,
      der,
    });
    if (!outcome.ok) return reject(request, conversation, eap.identifier, outcome.reason, outcome.detail);
    return accept(request, conversation, eap.identifier, outcome.attributes, conversation.identity);
  }

  function innerContext(request: RadiusRequest, conversation: Conversation, eap: EapPacket) {
    return {
      request,
      conversation,
      eap,
      backend,
      // Sends `plaintext` through the tunnel as the next request.
      send: async (plaintext: Buffer): Promise<HandlerReply> => {
        const tls = conversation.tls as TlsSession;
        await tls.send(plaintext);
        queue(conversation, tls.takeRecords());
        return sendPending(conversation);
      },
      reject: (reason: RejectReason, detail: string) =>
        reject(request, conversation, eap.identifier, reason, detail),
      accept: (granted: Attribute[], user: string) =>
        accept(request, conversation, eap.identifier, granted, user),
      nextId: () => (conversation.lastId + 1) & 0xff,
    };
  }

  const handle = async (request: RadiusRequest): Step => {
    const eap = decodeEap(Buffer.concat(attributes(request.packet, ATTR.EapMessage)));
    if (!eap || eap.code !== EAP_CODE.Response) return undefined;
    const state = attribute(request.packet, ATTR.State);
    if (!state) {
      if (eap.type !== EAP_TYPE.Identity)
        return reject(request, undefined, eap.identifier, 'flow_error', 'EAP without an identity first');
      if (!backend.contextFor(request.provider))
        return reject(
          request,
          undefined,
          eap.identifier,
          'unsupported',
          'EAP needs a certificate on the provider',
        );
      const conversation = conversations.start(request.provider, eap.data.toString('utf8'), EAP_TYPE.Peap);
      if (!conversation) return undefined;
      return challenge(conversation, EAP_TYPE.Peap, Buffer.from([TLS_FLAG.Start]));
    }
    const conversation = conversations.find(state);
    if (!conversation || conversation.provider.pk !== request.provider.pk)
      return reject(request, undefined, eap.identifier, 'flow_error', 'unknown or expired EAP state');
    // A response to anything but our last request is out of sequence (RFC 3748 §4.1): dropped.
    if (eap.identifier !== conversation.lastId) {
      metrics.dropped('eap');
      return undefined;
    }
    if (conversation.phase === 'start') {
      if (eap.type === EAP_TYPE.Nak) {
        const wanted = [...eap.data].find((t) => t === EAP_TYPE.Tls || t === EAP_TYPE.Peap);
        if (wanted === undefined)
          return reject(request, conversation, eap.identifier, 'unsupported', 'no common EAP method');
        conversation.method = wanted;
        return challenge(conversation, wanted, Buffer.from([TLS_FLAG.Start]));
      }
      conversation.phase = 'handshake';
    }
    if (eap.type !== conversation.method)
      return reject(
        request,
        conversation,
        eap.identifier,
        'flow_error',
        `EAP type ${eap.type} in a ${conversation.method} conversation`,
      );
    return tlsStep(request, conversation, eap);
  };
  return Object.assign(handle, { conversations });
}
