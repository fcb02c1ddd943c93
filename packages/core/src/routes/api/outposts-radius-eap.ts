import { Type } from '@sinclair/typebox';
import type { Static } from '@sinclair/typebox';
import { GenericError, ValidationError } from '@palisade/schema';
import type { FastifyPluginAsync } from 'fastify';
import type { AppContext } from '../../context.ts';
import { ApiError } from '../../http/api-error.ts';
import { providerTypesOf } from '../../outposts/provider-types.ts';
import { checkCertificate, checkMschapv2 } from '../../radius/eap-checks.ts';

const Params = Type.Object({ id: Type.Integer({ minimum: 1, maximum: 2147483647 }) });
const Hex = (octets: number) => Type.String({ pattern: `^[0-9a-fA-F]{${octets * 2}}$` });
const MschapBody = Type.Object(
  {
    username: Type.String({ minLength: 1, maxLength: 256 }),
    client_ip: Type.String({ minLength: 1, maxLength: 64 }),
    authenticator_challenge: Hex(16),
    peer_challenge: Hex(16),
    nt_response: Hex(24),
  },
  { additionalProperties: false },
);
const CertificateBody = Type.Object(
  {
    identity: Type.String({ minLength: 1, maxLength: 256 }),
    certificate: Type.String({ minLength: 1, maxLength: 65536 }),
  },
  { additionalProperties: false },
);
const EapCheck = Type.Object({
  valid: Type.Boolean(),
  authenticator_response: Type.Union([Type.String(), Type.Null()]),
  access: Type.Object({
    passing: Type.Boolean(),
    messages: Type.Array(Type.String()),
    log_messages: Type.Array(Type.Never()),
  }),
  attributes: Type.Union([Type.String(), Type.Null()]),
});
const responses = { 200: EapCheck, 400: ValidationError, 403: GenericError };

/**
 * Palisade's own RADIUS outpost routes (no reference counterpart): `/outposts/radius/<pk>/mschapv2/` checks a
 * PEAP-MSCHAPv2 answer against the user's network password inside the core, which answers only whether it
 * held (with the MSCHAPv2 Authenticator Response) and the access check; `/outposts/radius/<pk>/eap_tls/`
 * maps an EAP-TLS client certificate to its user. Only a RADIUS outpost serving provider `pk` may call them.
 */
export function outpostRadiusEapRoutes(ctx: AppContext): FastifyPluginAsync {
  return async (app) => {
    // Before the body is read: any other caller is refused the same way whatever it sends.
    app.addHook('preValidation', async (request) => {
      const outpost = request.outpost;
      const id = Number((request.params as { id?: string }).id);
      if (outpost?.type !== 'radius' || !outpost.providers.includes(id))
        throw new ApiError('permission_denied');
      if ((await providerTypesOf(ctx.db, [id])).get(id) !== 'radius') throw new ApiError('permission_denied');
    });

    app.post<{ Params: Static<typeof Params>; Body: Static<typeof MschapBody> }>(
      '/outposts/radius/:id/mschapv2/',
      { schema: { params: Params, body: MschapBody, response: responses } },
      async (request) => {
        const body = request.body;
        const check = await checkMschapv2(ctx, {
          providerId: request.params.id,
          address: body.client_ip,
          username: body.username,
          authenticatorChallenge: Buffer.from(body.authenticator_challenge, 'hex'),
          peerChallenge: Buffer.from(body.peer_challenge, 'hex'),
          ntResponse: Buffer.from(body.nt_response, 'hex'),
        });
        request.log.info(
          {
            user: body.username,
            provider: request.params.id,
            valid: check.valid,
            passing: check.access.passing,
          },
          'radius mschapv2 check',
        );
        return check;
      },
    );

    app.post<{ Params: Static<typeof Params>; Body: Static<typeof CertificateBody> }>(
      '/outposts/radius/:id/eap_tls/',
      { schema: { params: Params, body: CertificateBody, response: responses } },
      async (request) => {
        const check = await checkCertificate(ctx, {
          providerId: request.params.id,
          identity: request.body.identity,
          certificatePem: request.body.certificate,
        });
        request.log.info(
          {
            user: request.body.identity,
            provider: request.params.id,
            valid: check.valid,
            passing: check.access.passing,
          },
          'radius eap-tls check',
        );
        return check;
      },
    );
  };
}
