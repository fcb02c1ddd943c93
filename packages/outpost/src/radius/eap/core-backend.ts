/**
 * The EAP backend over the core: the provider's TLS context from its certificate, and the core's
 * `/outposts/radius/<pk>/mschapv2/` and `eap_tls/` checks, with the outpost's throttle before them. Every
 * doubt is a reject reason; nothing here can produce an Accept on its own.
 */
import { X509Certificate } from 'node:crypto';
import { createSecureContext, type SecureContext } from 'node:tls';
import { Type } from '@sinclair/typebox';
import type { CoreFetch } from '../../process/core-fetch.ts';
import { compileChecker } from '../../process/checked.ts';
import type { TlsKeypair } from '../../process/keypairs.ts';
import { mappedAttributes } from '../access-check.ts';
import type { Throttle } from '../throttle.ts';
import type { RadiusProvider } from '../types.ts';
import { certificatesOf } from './client-certificate.ts';
import type { EapBackend, InnerOutcome } from './handler.ts';

const EapCheckAnswer = Type.Object({
  valid: Type.Boolean(),
  authenticator_response: Type.Union([Type.String({ pattern: '^S=[0-9A-F]{40}$' }), Type.Null()]),
  access: Type.Object({ passing: Type.Boolean(), messages: Type.Array(Type.String()) }),
  attributes: Type.Union([Type.String({ maxLength: 8192 }), Type.Null()]),
});
const checkAnswer = compileChecker(EapCheckAnswer);

/** What EAP serves with one keypair: the TLS server context, and the CAs trusted for client certificates. */
export interface EapKeys {
  context: SecureContext;
  trusted: X509Certificate[];
}

/**
 * The EAP keys of a keypair: its certificate and key for the server side, and the CA certificates of its
 * PEM (the chain the admin uploaded) as the issuers EAP-TLS accepts. Undefined without a key.
 */
export function eapKeys(keypair: TlsKeypair): EapKeys | undefined {
  if (!keypair.privateKeyPem) return undefined;
  const context = createSecureContext({
    cert: keypair.certificatePem,
    key: keypair.privateKeyPem,
    minVersion: 'TLSv1.2',
    maxVersion: 'TLSv1.2',
  });
  return { context, trusted: certificatesOf(keypair.certificatePem).filter((c) => c.ca) };
}

/** Builds the backend. `keys` maps a certificate uuid to its EAP keys (swapped at each refresh). */
export function coreEapBackend(options: {
  fetch: CoreFetch;
  host: URL;
  token: string;
  throttle: Throttle;
  keys: () => ReadonlyMap<string, EapKeys>;
}): EapBackend {
  async function ask(provider: RadiusProvider, path: string, body: unknown): Promise<InnerOutcome> {
    let answer;
    try {
      const response = await options.fetch(
        new URL(`api/v3/outposts/radius/${provider.pk}/${path}/`, options.host).href,
        {
          method: 'POST',
          headers: {
            accept: 'application/json',
            'content-type': 'application/json',
            authorization: `Bearer ${options.token}`,
          },
          body: JSON.stringify(body),
        },
      );
      if (response.status !== 200) throw new Error(`${path} answered ${response.status}`);
      answer = checkAnswer(JSON.parse(await response.text()), path);
    } catch (error) {
      return { ok: false, reason: 'access_check_fail', detail: (error as Error).message };
    }
    if (!answer.valid)
      return { ok: false, reason: 'invalid_credentials', detail: answer.access.messages.join('; ') };
    if (!answer.access.passing)
      return { ok: false, reason: 'access_denied', detail: answer.access.messages.join('; ') };
    const attributes = answer.attributes ? mappedAttributes(answer.attributes) : [];
    if (attributes === 'decode')
      return { ok: false, reason: 'attribute_decode_failed', detail: 'not base64' };
    if (attributes === 'parse')
      return { ok: false, reason: 'attribute_parse_failed', detail: 'not a packet' };
    return { ok: true, attributes, authenticatorResponse: answer.authenticator_response ?? undefined };
  }

  const keysOf = (provider: RadiusProvider) =>
    provider.certificate ? options.keys().get(provider.certificate) : undefined;

  // The throttle around a check: over the limit, the core is not asked; a wrong credential counts.
  async function throttled(
    user: string,
    nas: string,
    check: () => Promise<InnerOutcome>,
  ): Promise<InnerOutcome> {
    if (options.throttle.isLimited(user, nas))
      return { ok: false, reason: 'rate_limited', detail: 'too many failures' };
    const outcome = await check();
    if (!outcome.ok && outcome.reason === 'invalid_credentials') options.throttle.failed(user, nas);
    return outcome;
  }

  return {
    contextFor: (provider) => keysOf(provider)?.context,
    trustedFor: (provider) => keysOf(provider)?.trusted ?? [],
    mschapv2: (input) =>
      throttled(input.username, input.address, () =>
        ask(input.provider, 'mschapv2', {
          username: input.username,
          client_ip: input.address,
          authenticator_challenge: input.authenticatorChallenge.toString('hex'),
          peer_challenge: input.peerChallenge.toString('hex'),
          nt_response: input.ntResponse.toString('hex'),
        }),
      ),
    certificate: (input) =>
      throttled(input.identity, input.address, () =>
        ask(input.provider, 'eap_tls', {
          identity: input.identity,
          certificate: new X509Certificate(input.der).toString(),
        }),
      ),
  };
}
