import assert from 'node:assert/strict';
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { generateSelfSigned } from '@palisade/x509';
import { SELF_SIGNED_MANAGED, SELF_SIGNED_NAME } from '../../src/crypto/default-keypair.ts';
import { createTestApp, type TestApp } from '../support/app.ts';
import { assertContract } from '../support/contract.ts';
import { testBackends } from '../support/databases.ts';

interface KeypairBody {
  pk: string;
  name: string;
  fingerprint_sha256: string | null;
  cert_subject: string | null;
  cert_expiry: string | null;
  private_key_available: boolean;
  key_type: string | null;
  managed: string | null;
}

const BASE = '/api/v3/crypto/certificatekeypairs/';

for (const backend of testBackends()) {
  describe(`certificate-key pairs API on ${backend.name}`, () => {
    let t: TestApp;
    before(async () => {
      t = await createTestApp(backend);
    });
    after(() => t.close());

    /** Calls the API and checks the answer against the contract. */
    async function call(method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', url: string, body?: unknown) {
      const res = await t.app.inject({ method, url, headers: t.adminHeaders, payload: body as never });
      assertContract(method, url, res);
      return res;
    }

    it('has the built-in self-signed keypair from the first start', async () => {
      const res = await call('GET', `${BASE}?managed=${encodeURIComponent(SELF_SIGNED_MANAGED)}`);
      const [builtIn] = (res.json() as { results: KeypairBody[] }).results;
      assert.equal(builtIn?.name, SELF_SIGNED_NAME);
      assert.equal(builtIn?.private_key_available, true);
      assert.equal(builtIn?.key_type, 'rsa');
    });

    for (const alg of ['rsa', 'ecdsa', 'ed25519', 'ed448'] as const) {
      it(`generates a ${alg} certificate that openssl accepts, with its names and validity`, async () => {
        const res = await call('POST', `${BASE}generate/`, {
          common_name: `${alg}.example.com`,
          subject_alt_name: 'alt.example.com, 192.0.2.7',
          validity_days: 30,
          alg,
        });
        assert.equal(res.statusCode, 200, res.body);
        const created = res.json() as KeypairBody;
        assert.equal(created.name, `${alg}.example.com`);
        assert.equal(created.key_type, alg === 'ecdsa' ? 'ec' : alg);
        assert.match(created.cert_subject ?? '', new RegExp(`^CN=${alg}\\.example\\.com,`));
        const days = (Date.parse(created.cert_expiry ?? '') - Date.now()) / 86_400_000;
        assert.ok(days > 29.9 && days < 30.1, `expires in ${days} days`);

        const pem = (await call('GET', `${BASE}${created.pk}/view_certificate/`)).json() as { data: string };
        const certificate = new X509Certificate(pem.data);
        assert.equal(
          certificate.subjectAltName,
          `DNS:${alg}.example.com, DNS:alt.example.com, IP Address:192.0.2.7`,
        );
        assert.equal(certificate.fingerprint256.toLowerCase(), created.fingerprint_sha256);
        assert.ok(certificate.verify(certificate.publicKey), 'self-signed');
        const dir = mkdtempSync(join(tmpdir(), 'palisade-cert-'));
        writeFileSync(join(dir, 'cert.pem'), pem.data);
        const verified = execFileSync('openssl', ['verify', '-CAfile', 'cert.pem', 'cert.pem'], { cwd: dir });
        assert.match(verified.toString(), /cert\.pem: OK/);

        const key = (await call('GET', `${BASE}${created.pk}/view_private_key/`)).json() as { data: string };
        assert.ok(
          certificate.checkPrivateKey(createPrivateKey(key.data)),
          'the key belongs to the certificate',
        );
      });
    }

    it('imports a PEM certificate with its key, and refuses a key of another certificate', async () => {
      const mine = generateSelfSigned({ commonName: 'import.example.com', validityDays: 10, alg: 'ecdsa' });
      const other = generateSelfSigned({ commonName: 'other.example.com', validityDays: 10, alg: 'ecdsa' });
      const refused = await call('POST', BASE, {
        name: 'Imported',
        certificate_data: mine.certificatePem,
        key_data: other.privateKeyPem,
      });
      assert.equal(refused.statusCode, 400);
      assert.deepEqual(Object.keys(refused.json() as object).sort(), ['code', 'key_data']);

      const created = await call('POST', BASE, {
        name: 'Imported',
        certificate_data: mine.certificatePem,
        key_data: mine.privateKeyPem,
      });
      assert.equal(created.statusCode, 201, created.body);
      const body = created.json() as KeypairBody;
      assert.equal(body.private_key_available, true);
      const duplicate = await call('POST', BASE, { name: 'Imported', certificate_data: mine.certificatePem });
      assert.equal(duplicate.statusCode, 400);
      assert.ok('name' in (duplicate.json() as object));

      // A certificate alone: its private key view answers an empty PEM, as the reference's does (its Go
      // outposts fetch both views of a certificate and fail the whole fetch on an error).
      const publicOnly = (
        await call('POST', BASE, { name: 'Public only', certificate_data: other.certificatePem })
      ).json() as KeypairBody;
      assert.equal(publicOnly.private_key_available, false);
      const noKey = await call('GET', `${BASE}${publicOnly.pk}/view_private_key/`);
      assert.equal(noKey.statusCode, 200);
      assert.deepEqual(noKey.json(), { data: '' });
      const withKeys = (await call('GET', `${BASE}?has_key=false`)).json() as { results: KeypairBody[] };
      assert.deepEqual(
        withKeys.results.map((k) => k.name),
        ['Public only'],
      );
    });

    it('refuses what is not a certificate or a key, and impossible generation requests', async () => {
      for (const [url, body, field] of [
        [BASE, { name: 'Junk', certificate_data: 'not a certificate' }, 'certificate_data'],
        [
          BASE,
          {
            name: 'Junk',
            certificate_data: generateSelfSigned({ commonName: 'x', validityDays: 1 }).certificatePem,
            key_data: '-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n',
          },
          'key_data',
        ],
        [`${BASE}generate/`, { common_name: 'a.example.com', validity_days: 0 }, 'validity_days'],
        [
          `${BASE}generate/`,
          { common_name: 'a.example.com', validity_days: 5, subject_alt_name: 'bad name/with slash' },
          'subject_alt_name',
        ],
        [`${BASE}generate/`, { common_name: 'a.example.com', validity_days: 5, alg: 'dsa' }, 'alg'],
      ] as const) {
        const res = await call('POST', url, body);
        assert.equal(res.statusCode, 400, `${field}: ${res.body}`);
        assert.ok(field in (res.json() as object), `${field} named in ${res.body}`);
      }
    });

    it('downloads PEM files, renames, and deletes', async () => {
      const created = (
        await call('POST', `${BASE}generate/`, {
          common_name: 'dl.example.com',
          validity_days: 5,
          alg: 'ed25519',
        })
      ).json() as KeypairBody;
      // A download is a file, not the contract's JSON body.
      const download = await t.app.inject({
        url: `${BASE}${created.pk}/view_certificate/?download=true`,
        headers: t.adminHeaders,
      });
      assert.equal(download.statusCode, 200);
      assert.match(
        String(download.headers['content-disposition']),
        /attachment; filename="dl.example.com_certificate.pem"/,
      );
      assert.match(download.body, /^-----BEGIN CERTIFICATE-----/);
      const renamed = await call('PATCH', `${BASE}${created.pk}/`, { name: 'Renamed' });
      assert.equal((renamed.json() as KeypairBody).name, 'Renamed');
      assert.equal((await call('DELETE', `${BASE}${created.pk}/`)).statusCode, 204);
      assert.equal((await call('GET', `${BASE}${created.pk}/`)).statusCode, 404);
    });
  });
}
