import { createHash, generateKeyPairSync, type KeyObject, randomBytes, sign } from 'node:crypto';
import { isIP } from 'node:net';
import {
  bitString,
  boolean,
  explicit,
  implicitPrimitive,
  nullValue,
  objectIdentifier,
  octetString,
  sequence,
  set,
  smallInteger,
  time,
  unsignedInteger,
  utf8String,
} from './der.ts';

/** The key algorithms a generated keypair may use (the contract's AlgEnum). */
export type KeyAlgorithm = 'rsa' | 'ecdsa' | 'ed25519' | 'ed448';

/** What to put in a generated certificate. */
export interface CertificateRequest {
  commonName: string;
  /** DNS names or IP addresses for subjectAltName; the common name is added when it is a host name. */
  subjectAltNames?: readonly string[];
  validityDays: number;
  alg?: KeyAlgorithm;
  /** The moment the certificate starts; now when not given (tests pin it). */
  now?: Date;
}

/** A generated certificate and its private key, both PEM. */
export interface GeneratedKeypair {
  certificatePem: string;
  privateKeyPem: string;
}

// OIDs of RFC 5280 §4.1.2.4 (names), §4.2.1 (extensions), RFC 4055 / 5758 / 8410 (signature algorithms).
const OID = {
  commonName: '2.5.4.3',
  organization: '2.5.4.10',
  organizationalUnit: '2.5.4.11',
  subjectKeyIdentifier: '2.5.29.14',
  subjectAltName: '2.5.29.17',
  basicConstraints: '2.5.29.19',
  extendedKeyUsage: '2.5.29.37',
  serverAuth: '1.3.6.1.5.5.7.3.1',
  sha256WithRsa: '1.2.840.113549.1.1.11',
  ecdsaWithSha256: '1.2.840.10045.4.3.2',
  ed25519: '1.3.101.112',
  ed448: '1.3.101.113',
};

/** The largest validity accepted: beyond it, clients refuse certificates anyway. */
export const MAX_VALIDITY_DAYS = 36500;

function newKeyPair(alg: KeyAlgorithm): { privateKey: KeyObject; publicKey: KeyObject } {
  switch (alg) {
    // 2048-bit RSA: the common baseline (and what keeps generation well under a second).
    case 'rsa':
      return generateKeyPairSync('rsa', { modulusLength: 2048 });
    // P-256, so tokens sign with ES256, the EC algorithm every JOSE library supports.
    case 'ecdsa':
      return generateKeyPairSync('ec', { namedCurve: 'P-256' });
    case 'ed25519':
      return generateKeyPairSync('ed25519');
    case 'ed448':
      return generateKeyPairSync('ed448');
  }
}

function signatureAlgorithm(alg: KeyAlgorithm): {
  identifier: Buffer;
  sign: (data: Buffer, key: KeyObject) => Buffer;
} {
  switch (alg) {
    case 'rsa':
      return {
        identifier: sequence(objectIdentifier(OID.sha256WithRsa), nullValue()),
        sign: (data, key) => sign('sha256', data, key),
      };
    case 'ecdsa':
      return {
        identifier: sequence(objectIdentifier(OID.ecdsaWithSha256)),
        sign: (data, key) => sign('sha256', data, { key, dsaEncoding: 'der' }),
      };
    case 'ed25519':
    case 'ed448':
      return {
        identifier: sequence(objectIdentifier(alg === 'ed25519' ? OID.ed25519 : OID.ed448)),
        sign: (data, key) => sign(null, data, key),
      };
  }
}

function name(commonName: string): Buffer {
  const attribute = (oid: string, value: string) => set(sequence(objectIdentifier(oid), utf8String(value)));
  return sequence(
    attribute(OID.organization, 'Palisade'),
    attribute(OID.organizationalUnit, 'Self-signed'),
    attribute(OID.commonName, commonName),
  );
}

function ipBytes(address: string): Buffer {
  if (isIP(address) === 4) return Buffer.from(address.split('.').map(Number));
  // IPv6: expand "::" and write eight 16-bit groups.
  const [head = '', tail = ''] = address.split('::');
  const left = head ? head.split(':') : [];
  const right = address.includes('::') && tail ? tail.split(':') : [];
  const groups = address.includes('::')
    ? [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right]
    : left;
  return Buffer.concat(groups.map((g) => Buffer.from([parseInt(g, 16) >> 8, parseInt(g, 16) & 0xff])));
}

function extension(oid: string, value: Buffer, critical = false): Buffer {
  return sequence(objectIdentifier(oid), ...(critical ? [boolean(true)] : []), octetString(value));
}

function subjectAltNames(request: CertificateRequest): string[] {
  const names = [...(request.subjectAltNames ?? [])].map((n) => n.trim()).filter(Boolean);
  if (/^[a-z0-9*]([a-z0-9.*-]*[a-z0-9])?$/i.test(request.commonName) || isIP(request.commonName)) {
    names.unshift(request.commonName);
  }
  return [...new Set(names)];
}

/**
 * Makes a new key and a self-signed X.509 v3 certificate for it (RFC 5280): subject and issuer name the common
 * name, subjectAltName lists the host names and addresses, and the certificate is for TLS servers, not a CA.
 */
export function generateSelfSigned(request: CertificateRequest): GeneratedKeypair {
  const alg = request.alg ?? 'rsa';
  const { privateKey, publicKey } = newKeyPair(alg);
  const signature = signatureAlgorithm(alg);
  const now = request.now ?? new Date();
  // Backdated a little, so a client whose clock runs behind still accepts a certificate made just now.
  const notBefore = new Date(Math.floor(now.getTime() / 1000) * 1000 - 60_000);
  const notAfter = new Date(notBefore.getTime() + 60_000 + request.validityDays * 86_400_000);
  const spki = publicKey.export({ type: 'spki', format: 'der' });
  const serial = randomBytes(16);
  serial[0] = (serial[0] ?? 0) & 0x7f || 0x01; // positive and exactly 16 bytes long

  const altNames = subjectAltNames(request).map((n) =>
    isIP(n) ? implicitPrimitive(7, ipBytes(n)) : implicitPrimitive(2, Buffer.from(n, 'ascii')),
  );
  const extensions = [
    extension(OID.basicConstraints, sequence(), true),
    extension(OID.extendedKeyUsage, sequence(objectIdentifier(OID.serverAuth))),
    extension(OID.subjectKeyIdentifier, octetString(createHash('sha1').update(spki).digest())),
    ...(altNames.length > 0 ? [extension(OID.subjectAltName, sequence(...altNames))] : []),
  ];
  const tbs = sequence(
    explicit(0, smallInteger(2)), // v3
    unsignedInteger(serial),
    signature.identifier,
    name(request.commonName),
    sequence(time(notBefore), time(notAfter)),
    name(request.commonName),
    spki,
    explicit(3, sequence(...extensions)),
  );
  const certificate = sequence(tbs, signature.identifier, bitString(signature.sign(tbs, privateKey)));
  return {
    certificatePem: toPem('CERTIFICATE', certificate),
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }) as string,
  };
}

function toPem(label: string, der: Buffer): string {
  const lines = der.toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}
