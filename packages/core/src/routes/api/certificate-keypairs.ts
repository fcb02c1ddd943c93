import { type Static, Type } from '@sinclair/typebox';
import {
  CertificateData,
  CertificateGenerationRequest,
  CertificateKeyPair as KeypairBody,
  CertificateKeyPairRequest,
  GenericError,
  ListQuery,
  Paginated,
  PatchedCertificateKeyPairRequest,
  ValidationError,
} from '@palisade/schema';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../context.ts';
import { parseCertificate, parsePrivateKey } from '../../crypto/certificate-info.ts';
import {
  type CertificateKeypair,
  deleteKeypair,
  findKeypair,
  insertKeypair,
  type KeypairFields,
  listKeypairs,
  revealPrivateKey,
  updateKeypair,
} from '../../crypto/keypairs-repository.ts';
import { generateSelfSigned, type KeyAlgorithm, MAX_VALIDITY_DAYS } from '@palisade/x509';
import { assertThat, notFound, uniqueViolation, validationFailed } from '../../http/api-error.ts';
import { paginated, pageWindow } from '../../http/pagination.ts';
import { publishChange } from '../../outposts/hub/changes.ts';
import { certificateIdsVisibleTo } from '../../outposts/principal.ts';

const errors = { 400: ValidationError, 403: GenericError, 404: GenericError };
const BASE = '/crypto/certificatekeypairs/';

const KeypairListQuery = Type.Object({
  ...ListQuery,
  name: Type.Optional(Type.String({ maxLength: 255 })),
  has_key: Type.Optional(Type.Boolean()),
  key_type: Type.Optional(Type.Array(Type.String({ maxLength: 20 }), { maxItems: 5 })),
  managed: Type.Optional(Type.String({ maxLength: 255 })),
});
const KeypairId = Type.Object({ kp_uuid: Type.String({ format: 'uuid' }) });
const DownloadQuery = Type.Object({ download: Type.Optional(Type.Boolean()) });

type KeypairInput = Static<typeof PatchedCertificateKeyPairRequest>;

/** The contract's CertificateKeyPair for a stored pair. */
export function presentKeypair(keypair: CertificateKeypair): Static<typeof KeypairBody> {
  const info = keypair.info;
  return {
    pk: keypair.uuid,
    name: keypair.name,
    fingerprint_sha256: info?.fingerprintSha256 ?? null,
    fingerprint_sha1: info?.fingerprintSha1 ?? null,
    cert_expiry: info?.expiry.toISOString() ?? null,
    cert_subject: info?.subject ?? null,
    private_key_available: keypair.hasPrivateKey,
    key_type: info?.keyType ?? null,
    certificate_download_url: `/api/v3${BASE}${keypair.uuid}/view_certificate/?download`,
    private_key_download_url: `/api/v3${BASE}${keypair.uuid}/view_private_key/?download`,
    managed: keypair.managed,
  };
}

/**
 * Checks the PEM documents of a request: the certificate must parse, and a private key, when given, must
 * parse and belong to the certificate (else tokens signed with it would never verify).
 */
function keypairFields(body: KeypairInput, existingCertificate?: string): KeypairFields {
  const problems: Record<string, string[]> = {};
  const certificatePem = body.certificate_data ?? existingCertificate;
  const certificate = certificatePem === undefined ? undefined : parseCertificate(certificatePem);
  if (body.certificate_data !== undefined && !certificate)
    problems.certificate_data = ['Unable to load certificate.'];
  let privateKeyPem: string | undefined;
  if (body.key_data !== undefined && body.key_data.trim() !== '') {
    const key = parsePrivateKey(body.key_data);
    if (!key) problems.key_data = ['Unable to load private key (possibly encrypted?).'];
    else if (certificate && !certificate.checkPrivateKey(key))
      problems.key_data = ['The private key does not belong to the certificate.'];
    else privateKeyPem = key.export({ type: 'pkcs8', format: 'pem' }) as string;
  }
  assertThat(Object.keys(problems).length === 0, () => validationFailed(problems));
  return { name: body.name, certificatePem: body.certificate_data, privateKeyPem };
}

function duplicate(error: unknown): never {
  if (uniqueViolation(error))
    throw validationFailed({ name: ['A certificate-key pair with this name already exists.'] }, 'unique');
  throw error;
}

function sendPem(reply: FastifyReply, data: string, filename: string, download: boolean | undefined) {
  if (!download) return { data };
  return reply
    .header('content-disposition', `attachment; filename="${filename.replace(/[^\w.-]/g, '_')}"`)
    .type('application/x-pem-file')
    .send(data);
}

/** /crypto/certificatekeypairs/ for admins: certificates with optional private keys, for token signing and TLS. */
export function certificateKeypairRoutes(ctx: AppContext): FastifyPluginAsync {
  return async (app) => {
    app.get<{ Querystring: Static<typeof KeypairListQuery> }>(
      BASE,
      {
        schema: { querystring: KeypairListQuery, response: { 200: Paginated(KeypairBody), ...errors } },
        config: { operationId: 'crypto_certificatekeypairs_list' },
      },
      async (request) => {
        const q = request.query;
        const { keypairs, count } = await listKeypairs(ctx.db, {
          ...pageWindow(q),
          filter: { name: q.name, hasKey: q.has_key, keyTypes: q.key_type, managed: q.managed },
        });
        return paginated(q, keypairs.map(presentKeypair), count);
      },
    );

    app.post<{ Body: Static<typeof CertificateKeyPairRequest> }>(
      BASE,
      {
        schema: { body: CertificateKeyPairRequest, response: { 201: KeypairBody, ...errors } },
        config: { operationId: 'crypto_certificatekeypairs_create' },
      },
      async (request, reply) => {
        const fields = keypairFields(request.body);
        const keypair = await insertKeypair(ctx.db, ctx.box, {
          ...fields,
          name: request.body.name,
          certificatePem: request.body.certificate_data,
        }).catch(duplicate);
        request.log.info({ keypair: keypair.uuid, has_key: keypair.hasPrivateKey }, 'keypair created');
        return reply.code(201).send(presentKeypair(keypair));
      },
    );

    app.post<{ Body: Static<typeof CertificateGenerationRequest> }>(
      `${BASE}generate/`,
      {
        schema: { body: CertificateGenerationRequest, response: { 200: KeypairBody, ...errors } },
        config: { operationId: 'crypto_certificatekeypairs_generate_create' },
      },
      async (request) => {
        const body = request.body;
        assertThat(body.validity_days >= 1 && body.validity_days <= MAX_VALIDITY_DAYS, () =>
          validationFailed({ validity_days: [`Give a number of days from 1 to ${MAX_VALIDITY_DAYS}.`] }),
        );
        const altNames = (body.subject_alt_name ?? '').split(',').map((n) => n.trim());
        const bad = altNames.find((n) => n !== '' && !/^[\w.*:-]+$/.test(n));
        assertThat(bad === undefined, () =>
          validationFailed({ subject_alt_name: [`"${bad}" is not a host name or IP address.`] }),
        );
        const generated = generateSelfSigned({
          commonName: body.common_name,
          subjectAltNames: altNames,
          validityDays: body.validity_days,
          alg: body.alg as KeyAlgorithm | undefined,
        });
        const keypair = await insertKeypair(ctx.db, ctx.box, {
          name: body.common_name,
          certificatePem: generated.certificatePem,
          privateKeyPem: generated.privateKeyPem,
        }).catch(duplicate);
        request.log.info({ keypair: keypair.uuid, alg: body.alg ?? 'rsa' }, 'keypair generated');
        return presentKeypair(keypair);
      },
    );

    for (const [method, body, operationId] of [
      ['PUT', CertificateKeyPairRequest, 'crypto_certificatekeypairs_update'],
      ['PATCH', PatchedCertificateKeyPairRequest, 'crypto_certificatekeypairs_partial_update'],
    ] as const) {
      app.route<{ Params: Static<typeof KeypairId>; Body: KeypairInput }>({
        method,
        url: `${BASE}:kp_uuid/`,
        schema: { params: KeypairId, body, response: { 200: KeypairBody, ...errors } },
        config: { operationId },
        handler: async (request) => {
          const existing = await findKeypair(ctx.db, request.params.kp_uuid);
          assertThat(existing, notFound);
          const fields = keypairFields(request.body, existing.certificatePem);
          // A new certificate without a key would leave the old key beside a certificate it doesn't match.
          if (
            fields.certificatePem !== undefined &&
            fields.privateKeyPem === undefined &&
            existing.hasPrivateKey
          ) {
            const key = parsePrivateKey((await revealPrivateKey(ctx.db, ctx.box, existing.uuid)) ?? '');
            if (!key || !parseCertificate(fields.certificatePem)?.checkPrivateKey(key))
              fields.privateKeyPem = null;
          }
          const keypair = await ctx.db
            .transaction(async (tx) => {
              // The outposts that sign or serve TLS with it reload, once this commits.
              await publishChange({ db: tx }, { model: 'certificate_keypair', pk: existing.uuid });
              return updateKeypair(tx, ctx.box, existing.uuid, fields);
            })
            .catch(duplicate);
          assertThat(keypair, notFound);
          request.log.info({ keypair: keypair.uuid }, 'keypair updated');
          return presentKeypair(keypair);
        },
      });
    }

    app.delete<{ Params: Static<typeof KeypairId> }>(
      `${BASE}:kp_uuid/`,
      {
        schema: { params: KeypairId, response: { 204: Type.Null(), ...errors } },
        config: { operationId: 'crypto_certificatekeypairs_destroy' },
      },
      async (request, reply) => {
        const deleted = await ctx.db.transaction(async (tx) => {
          // Resolved before the delete unsets it on its providers; announced on commit.
          await publishChange({ db: tx }, { model: 'certificate_keypair', pk: request.params.kp_uuid });
          return deleteKeypair(tx, request.params.kp_uuid);
        });
        assertThat(deleted, notFound);
        request.log.info({ keypair: request.params.kp_uuid }, 'keypair deleted');
        return reply.code(204).send();
      },
    );
  };
}

/**
 * The reads an outpost needs of the certificates its providers use (TLS by SNI): one keypair, its certificate
 * and its private key. A superuser reads any; an outpost only those of its providers (others are not found).
 */
export function certificateKeypairReadRoutes(ctx: AppContext): FastifyPluginAsync {
  /** The keypair, if it exists and the caller may read it. */
  async function visibleKeypair(request: FastifyRequest, uuid: string): Promise<CertificateKeypair> {
    const visible = await certificateIdsVisibleTo(ctx, request);
    const keypair = visible && !visible.includes(uuid) ? undefined : await findKeypair(ctx.db, uuid);
    assertThat(keypair, notFound);
    return keypair;
  }

  return async (app) => {
    app.get<{ Params: Static<typeof KeypairId> }>(
      `${BASE}:kp_uuid/`,
      {
        schema: { params: KeypairId, response: { 200: KeypairBody, ...errors } },
        config: { operationId: 'crypto_certificatekeypairs_retrieve' },
      },
      async (request) => {
        return presentKeypair(await visibleKeypair(request, request.params.kp_uuid));
      },
    );

    app.get<{ Params: Static<typeof KeypairId>; Querystring: Static<typeof DownloadQuery> }>(
      `${BASE}:kp_uuid/view_certificate/`,
      {
        schema: {
          params: KeypairId,
          querystring: DownloadQuery,
          response: { 200: CertificateData, ...errors },
        },
        config: { operationId: 'crypto_certificatekeypairs_view_certificate_retrieve' },
      },
      async (request, reply) => {
        const keypair = await visibleKeypair(request, request.params.kp_uuid);
        return sendPem(
          reply,
          keypair.certificatePem,
          `${keypair.name}_certificate.pem`,
          request.query.download,
        );
      },
    );

    app.get<{ Params: Static<typeof KeypairId>; Querystring: Static<typeof DownloadQuery> }>(
      `${BASE}:kp_uuid/view_private_key/`,
      {
        schema: {
          params: KeypairId,
          querystring: DownloadQuery,
          response: { 200: CertificateData, ...errors },
        },
        config: { operationId: 'crypto_certificatekeypairs_view_private_key_retrieve' },
      },
      async (request, reply) => {
        const keypair = await visibleKeypair(request, request.params.kp_uuid);
        // A pair without a key answers an empty PEM, as the reference does: its outposts fetch both views
        // of every certificate they use, and one error would fail the whole fetch.
        const key = (await revealPrivateKey(ctx.db, ctx.box, keypair.uuid)) ?? '';
        // Who read a private key is worth an audit line; the key itself never reaches the log.
        if (key !== '') {
          request.log.info(
            { keypair: keypair.uuid, user: request.principal?.user.username },
            'private key viewed',
          );
        }
        return sendPem(reply, key, `${keypair.name}_private_key.pem`, request.query.download);
      },
    );
  };
}
