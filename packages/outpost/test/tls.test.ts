// The outpost's TLS contexts: the provider's certificate for its host (SNI), the self-signed fallback else.
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { connect, createServer, type Server } from 'node:tls';
import { after, before, describe, test } from 'node:test';
import { generateSelfSigned } from '@palisade/x509';
import { createTlsContexts, FALLBACK_COMMON_NAME } from '../src/proxy/tls.ts';
import type { TlsKeypair } from '../src/proxy/types.ts';
import { listen, provider, recorder } from './reverse-proxy-fixtures.ts';

const appKeypair = generateSelfSigned({ commonName: 'app.example.test', validityDays: 30, alg: 'ecdsa' });
const otherKeypair = generateSelfSigned({ commonName: 'other.example.test', validityDays: 30, alg: 'ecdsa' });
const fingerprint = (pem: string) => new X509Certificate(pem).fingerprint256;

/** The certificate the server presents for a server name (none: no SNI sent). */
function peerCertificate(port: number, servername?: string): Promise<{ fingerprint256: string; cn: string }> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port, servername, rejectUnauthorized: false }, () => {
      const cert = socket.getPeerCertificate();
      socket.destroy();
      resolve({ fingerprint256: cert.fingerprint256, cn: String(cert.subject.CN) });
    });
    socket.on('error', reject);
  });
}

describe('TLS contexts', () => {
  const { log, recorded } = recorder();
  const contexts = createTlsContexts({ log });
  let server: Server;
  let port: number;
  const update = (certificates: Record<string, TlsKeypair>) =>
    contexts.update(
      [
        provider('http://127.0.0.1:1', {
          pk: 1,
          external_host: 'https://App.Example.Test:9443',
          certificate: 'kp-app',
        }),
        provider('http://127.0.0.1:1', {
          pk: 2,
          external_host: 'https://other.example.test',
          certificate: 'kp-other',
        }),
        provider('http://127.0.0.1:1', {
          pk: 3,
          external_host: 'https://plain.example.test',
          certificate: null,
        }),
        provider('http://127.0.0.1:1', {
          pk: 4,
          external_host: 'https://missing.example.test',
          certificate: 'kp-x',
        }),
      ],
      new Map(Object.entries(certificates)),
    );

  before(async () => {
    update({ 'kp-app': appKeypair, 'kp-other': otherKeypair });
    const fallback = contexts.fallbackKeypair();
    // The listener as the runtime sets it up: fallback by default, SNI picks the provider's certificate.
    server = createServer({
      cert: fallback.certificatePem,
      key: fallback.privateKeyPem,
      SNICallback: (name, cb) => cb(null, contexts.secureContextFor(name)),
    });
    server.on('secureConnection', (socket) => socket.end());
    port = await listen(server);
  });
  after(() => {
    server.close();
  });

  test("serves a provider's certificate when the SNI is its host, case-insensitively", async () => {
    for (const name of ['app.example.test', 'APP.Example.test', 'app.example.test.']) {
      const cert = await peerCertificate(port, name);
      assert.equal(cert.fingerprint256, fingerprint(appKeypair.certificatePem), name);
    }
    assert.equal((await peerCertificate(port, 'other.example.test')).cn, 'other.example.test');
  });

  test('serves the self-signed fallback for unknown names, names without a certificate, and no SNI', async () => {
    const fallback = fingerprint(contexts.fallbackKeypair().certificatePem);
    for (const name of ['unknown.example.test', 'plain.example.test', 'missing.example.test', undefined]) {
      const cert = await peerCertificate(port, name);
      assert.equal(cert.cn, FALLBACK_COMMON_NAME, String(name));
      assert.equal(cert.fingerprint256, fallback);
    }
    assert.ok(recorded.logs.some((l) => l.level === 'warn' && JSON.stringify(l.obj).includes('kp-x')));
  });

  test('the fallback is generated once', () => {
    assert.equal(contexts.secureContextFor('a.test'), contexts.secureContextFor('b.test'));
    assert.equal(contexts.fallbackKeypair(), contexts.fallbackKeypair());
  });

  test('bad PEM or a key of another certificate is logged and falls back; other hosts keep theirs', async () => {
    recorded.logs.length = 0;
    update({
      'kp-app': { certificatePem: 'not a certificate', privateKeyPem: 'nor a key' },
      'kp-other': { certificatePem: otherKeypair.certificatePem, privateKeyPem: appKeypair.privateKeyPem },
    });
    assert.equal((await peerCertificate(port, 'app.example.test')).cn, FALLBACK_COMMON_NAME);
    assert.equal((await peerCertificate(port, 'other.example.test')).cn, FALLBACK_COMMON_NAME);
    assert.equal(recorded.logs.filter((l) => l.level === 'error').length, 2);

    update({ 'kp-app': otherKeypair, 'kp-other': otherKeypair });
    assert.equal(
      (await peerCertificate(port, 'app.example.test')).fingerprint256,
      fingerprint(otherKeypair.certificatePem),
    );
  });

  test('an unchanged keypair keeps its context across updates', () => {
    update({ 'kp-app': appKeypair, 'kp-other': otherKeypair });
    const first = contexts.secureContextFor('app.example.test');
    update({ 'kp-app': { ...appKeypair }, 'kp-other': otherKeypair });
    assert.equal(contexts.secureContextFor('app.example.test'), first);
  });
});
