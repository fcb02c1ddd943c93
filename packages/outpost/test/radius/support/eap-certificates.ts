/**
 * A small PKI made with Debian's openssl in a temporary folder: a CA, the RADIUS server's certificate (its PEM
 * followed by the CA's, as an admin uploads a chain) and client certificates, all issued by that CA, plus a
 * client certificate from another CA.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The files, by role. */
export interface TestPki {
  dir: string;
  caPem: string;
  /** The server's keypair as the core would hand it over (certificate chain, key). */
  server: { certificatePem: string; privateKeyPem: string };
  /** Paths of client certificates and keys, by name. */
  clients: Record<string, { cert: string; key: string }>;
  remove(): void;
}

/** Runs openssl with `command`'s words (no word holds a space here). */
function openssl(dir: string, command: string): void {
  execFileSync('openssl', command.trim().split(/\s+/), { cwd: dir, stdio: 'pipe' });
}

const EC_KEY = '-newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes';

function issue(dir: string, name: string, subject: string, ca: string, extensions: string): void {
  openssl(dir, `req -new ${EC_KEY} -keyout ${name}.key -out ${name}.csr -subj ${subject}`);
  writeFileSync(join(dir, `${name}.ext`), extensions);
  openssl(
    dir,
    `x509 -req -in ${name}.csr -CA ${ca}.pem -CAkey ${ca}.key -CAcreateserial -days 2 -out ${name}.pem -extfile ${name}.ext`,
  );
}

function authority(dir: string, name: string): void {
  openssl(
    dir,
    `req -x509 ${EC_KEY} -keyout ${name}.key -out ${name}.pem -days 2 -subj /CN=${name} ` +
      '-addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign',
  );
}

/** Makes the PKI; `clients` are the user names to issue client certificates for (CN = the name). */
export function makeTestPki(clients: string[]): TestPki {
  const dir = mkdtempSync(join(tmpdir(), 'palisade-eap-'));
  authority(dir, 'ca');
  authority(dir, 'rogue-ca');
  issue(
    dir,
    'server',
    '/CN=radius.example.test',
    'ca',
    'basicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\nsubjectAltName=DNS:radius.example.test\n',
  );
  const files: TestPki['clients'] = {};
  for (const name of clients) {
    issue(dir, name, `/CN=${name}`, 'ca', 'basicConstraints=CA:FALSE\nextendedKeyUsage=clientAuth\n');
    files[name] = { cert: join(dir, `${name}.pem`), key: join(dir, `${name}.key`) };
  }
  issue(
    dir,
    'rogue',
    `/CN=${clients[0] ?? 'rogue'}`,
    'rogue-ca',
    'basicConstraints=CA:FALSE\nextendedKeyUsage=clientAuth\n',
  );
  files.rogue = { cert: join(dir, 'rogue.pem'), key: join(dir, 'rogue.key') };
  const read = (file: string) => readFileSync(join(dir, file), 'utf8');
  return {
    dir,
    caPem: join(dir, 'ca.pem'),
    server: { certificatePem: read('server.pem') + read('ca.pem'), privateKeyPem: read('server.key') },
    clients: files,
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
