/**
 * EAP-TLS client certificates: trusted when they chain, through certificates of the provider's own PEM
 * (its CA, and any intermediates the admin put there), to a CA certificate in it, each link checked by
 * signature, CA flag and validity, and the leaf allowed for client authentication. Done here with
 * X509Certificate because a TLSSocket made over a Duplex (not by tls.Server) does not report `authorized`.
 */
import { X509Certificate } from 'node:crypto';

const CLIENT_AUTH = '1.3.6.1.5.5.7.3.2';
const MAX_DEPTH = 5;

/** The certificates of a PEM bundle (ones that do not parse are left out). */
export function certificatesOf(pem: string): X509Certificate[] {
  const blocks = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  return blocks.flatMap((block) => {
    try {
      return [new X509Certificate(block)];
    } catch {
      return [];
    }
  });
}

const isCurrent = (certificate: X509Certificate, now: Date) =>
  new Date(certificate.validFrom) <= now && now <= new Date(certificate.validTo);

/** Whether `der` is a client certificate the `trusted` CA certificates vouch for; why not, if not. */
export function verifyClientCertificate(
  der: Buffer,
  trusted: readonly X509Certificate[],
  now = new Date(),
): { ok: true } | { ok: false; reason: string } {
  let leaf: X509Certificate;
  try {
    leaf = new X509Certificate(der);
  } catch {
    return { ok: false, reason: 'the certificate does not parse' };
  }
  if (!isCurrent(leaf, now)) return { ok: false, reason: 'the certificate is expired or not yet valid' };
  const usages = leaf.keyUsage;
  if (usages && usages.length > 0 && !usages.includes(CLIENT_AUTH))
    return { ok: false, reason: 'the certificate is not for client authentication' };
  let current = leaf;
  for (let depth = 0; depth < MAX_DEPTH; depth++) {
    const issuer = trusted.find(
      (ca) => ca.ca && isCurrent(ca, now) && current.checkIssued(ca) && current.verify(ca.publicKey),
    );
    if (!issuer) return { ok: false, reason: 'no trusted CA issued the certificate' };
    // A self-signed CA of the provider's PEM ends the chain.
    if (issuer.checkIssued(issuer)) return { ok: true };
    current = issuer;
  }
  return { ok: false, reason: 'the chain is too long' };
}
