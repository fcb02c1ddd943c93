import { createPrivateKey, type KeyObject, X509Certificate } from 'node:crypto';

/** What the API shows of a certificate, read from the certificate itself. */
export interface CertificateInfo {
  fingerprintSha256: string;
  fingerprintSha1: string;
  expiry: Date;
  /** RFC 4514 string: most specific attribute first. */
  subject: string;
  keyType: 'rsa' | 'ec' | 'dsa' | 'ed25519' | 'ed448' | null;
}

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/;

/** Parses the first certificate of a PEM chain; undefined when it is not one. */
export function parseCertificate(pem: string): X509Certificate | undefined {
  const first = PEM_CERTIFICATE.exec(pem)?.[0];
  if (!first) return undefined;
  try {
    return new X509Certificate(first);
  } catch {
    return undefined;
  }
}

/** Parses a PEM private key (PKCS#8, PKCS#1 or SEC1); undefined when it is not one or is encrypted. */
export function parsePrivateKey(pem: string): KeyObject | undefined {
  try {
    return createPrivateKey({ key: pem, format: 'pem' });
  } catch {
    return undefined;
  }
}

/** The facts the API lists about a certificate. */
export function certificateInfo(certificate: X509Certificate): CertificateInfo {
  const type = certificate.publicKey.asymmetricKeyType;
  const keyType =
    type === 'rsa' || type === 'rsa-pss'
      ? 'rsa'
      : type === 'ec' || type === 'dsa' || type === 'ed25519' || type === 'ed448'
        ? type
        : null;
  return {
    fingerprintSha256: certificate.fingerprint256.toLowerCase(),
    fingerprintSha1: certificate.fingerprint.toLowerCase(),
    expiry: new Date(certificate.validTo),
    subject: rfc4514(certificate.subject),
    keyType,
  };
}

// node:crypto lists the subject one attribute a line, least specific first; RFC 4514 reverses that and escapes.
function rfc4514(subject: string): string {
  return subject
    .split('\n')
    .filter(Boolean)
    .reverse()
    .map((attribute) => {
      const eq = attribute.indexOf('=');
      const value = attribute.slice(eq + 1).replace(/([,+"\\<>;])/g, '\\$1');
      return `${attribute.slice(0, eq)}=${value}`;
    })
    .join(',');
}
