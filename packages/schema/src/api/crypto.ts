import { Type } from '@sinclair/typebox';
import { Nullable } from './common.ts';

/** The contract's KeyTypeEnum: the key algorithm found in a certificate. */
export const KeyType = Type.Union(['rsa', 'ec', 'dsa', 'ed25519', 'ed448'].map((t) => Type.Literal(t)));

/** The contract's AlgEnum: the key algorithm of a generated keypair. */
export const KeyAlgorithm = Type.Union(['rsa', 'ecdsa', 'ed25519', 'ed448'].map((t) => Type.Literal(t)));

/** The contract's CertificateKeyPair. */
export const CertificateKeyPair = Type.Object({
  pk: Type.String({ format: 'uuid' }),
  name: Type.String(),
  fingerprint_sha256: Nullable(Type.String()),
  fingerprint_sha1: Nullable(Type.String()),
  cert_expiry: Nullable(Type.String({ format: 'date-time' })),
  cert_subject: Nullable(Type.String()),
  private_key_available: Type.Boolean(),
  key_type: Nullable(KeyType),
  certificate_download_url: Type.String(),
  private_key_download_url: Type.String(),
  managed: Nullable(Type.String()),
});

// PEM of a certificate chain or a private key: generous, but bounded.
const Pem = (minLength: number) => Type.String({ minLength, maxLength: 65536 });

/** The contract's CertificateKeyPairRequest. */
export const CertificateKeyPairRequest = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 255 }),
    certificate_data: Pem(1),
    key_data: Type.Optional(Pem(0)),
  },
  { additionalProperties: false },
);

/** The contract's PatchedCertificateKeyPairRequest. */
export const PatchedCertificateKeyPairRequest = Type.Partial(CertificateKeyPairRequest, {
  additionalProperties: false,
});

/** The contract's CertificateGenerationRequest. */
export const CertificateGenerationRequest = Type.Object(
  {
    common_name: Type.String({ minLength: 1, maxLength: 64 }),
    subject_alt_name: Type.Optional(Type.String({ maxLength: 4096 })),
    validity_days: Type.Integer(),
    alg: Type.Optional(KeyAlgorithm),
  },
  { additionalProperties: false },
);

/** The contract's CertificateData: one PEM document. */
export const CertificateData = Type.Object({ data: Type.String() });
