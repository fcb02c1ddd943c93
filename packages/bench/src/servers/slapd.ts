/**
 * Debian's OpenLDAP slapd, started in a temporary folder on a free loopback port with a generated
 * slapd.conf (mdb, the memberof overlay, equality indexes on cn, uid, objectClass and memberOf) and loaded
 * through ldapadd with the same directory as the Palisade side: `user1`…`userN` with the same ten
 * passwords (SSHA), and `group0`… with the same members.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from '../../../e2e/src/server-process.ts';

const run = promisify(execFile);

/** A running slapd. */
export interface Slapd {
  url: string;
  baseDn: string;
  userDn(n: number): string;
  groupDn(g: number): string;
  close(): Promise<void>;
}

/** The base DN of the slapd side. */
export const SLAPD_BASE = 'dc=slapd,dc=test';
const ADMIN_DN = `cn=admin,${SLAPD_BASE}`;
const ADMIN_PASSWORD = 'slapd-admin-password';

function ldif(users: number, groups: number, passwordHashes: readonly string[]): string {
  const blocks = [
    `dn: ${SLAPD_BASE}\nobjectClass: top\nobjectClass: dcObject\nobjectClass: organization\no: bench\ndc: slapd`,
    `dn: ou=users,${SLAPD_BASE}\nobjectClass: organizationalUnit\nou: users`,
    `dn: ou=groups,${SLAPD_BASE}\nobjectClass: organizationalUnit\nou: groups`,
  ];
  for (let i = 1; i <= users; i++) {
    blocks.push(
      [
        `dn: cn=user${i},ou=users,${SLAPD_BASE}`,
        'objectClass: inetOrgPerson',
        'objectClass: posixAccount',
        `cn: user${i}`,
        `sn: User ${i}`,
        `uid: user${i}`,
        `mail: user${i}@example.com`,
        `uidNumber: ${2000 + i}`,
        `gidNumber: ${2000 + i}`,
        `homeDirectory: /home/user${i}`,
        `userPassword: ${passwordHashes[i % 10]}`,
      ].join('\n'),
    );
  }
  for (let g = 0; g < groups; g++) {
    const members: string[] = [];
    for (let i = 1; i <= users; i++)
      if (i % groups === g) members.push(`member: cn=user${i},ou=users,${SLAPD_BASE}`);
    blocks.push(
      [
        `dn: cn=group${g},ou=groups,${SLAPD_BASE}`,
        'objectClass: groupOfNames',
        `cn: group${g}`,
        ...members,
      ].join('\n'),
    );
  }
  return `${blocks.join('\n\n')}\n`;
}

/** Starts slapd and loads `users` users in `groups` groups. */
export async function startSlapd(users: number, groups: number): Promise<Slapd> {
  const folder = mkdtempSync(join(tmpdir(), 'palisade-bench-slapd-'));
  mkdirSync(join(folder, 'db'));
  const port = await freePort();
  const url = `ldap://127.0.0.1:${port}`;
  writeFileSync(
    join(folder, 'slapd.conf'),
    [
      ...['core', 'cosine', 'inetorgperson', 'nis'].map((s) => `include /etc/ldap/schema/${s}.schema`),
      'modulepath /usr/lib/ldap',
      'moduleload back_mdb',
      'moduleload memberof',
      `pidfile ${join(folder, 'slapd.pid')}`,
      'loglevel 0',
      'database mdb',
      `suffix "${SLAPD_BASE}"`,
      `rootdn "${ADMIN_DN}"`,
      `rootpw ${ADMIN_PASSWORD}`,
      `directory ${join(folder, 'db')}`,
      'maxsize 268435456',
      'index objectClass eq',
      'index cn,uid eq',
      'index memberOf eq',
      'overlay memberof',
      'access to attrs=userPassword by anonymous auth by * none',
      'access to * by * read',
      '',
    ].join('\n'),
  );
  const hashes: string[] = [];
  for (let k = 0; k < 10; k++)
    hashes.push((await run('slappasswd', ['-h', '{SSHA}', '-s', `password-${k}`])).stdout.trim());
  writeFileSync(join(folder, 'data.ldif'), ldif(users, groups, hashes));
  const child: ChildProcess = spawn(
    '/usr/sbin/slapd',
    ['-f', join(folder, 'slapd.conf'), '-h', `${url}/`, '-d', '0'],
    {
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const close = async () => {
    if (child.exitCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
    rmSync(folder, { recursive: true, force: true });
  };
  try {
    for (let i = 0; ; i++) {
      const up = await run('ldapwhoami', ['-x', '-H', url, '-D', ADMIN_DN, '-w', ADMIN_PASSWORD], {
        env: { ...process.env, LDAPCONF: '/dev/null' },
      }).then(
        () => true,
        () => false,
      );
      if (up) break;
      if (i > 100 || child.exitCode !== null) throw new Error(`slapd did not start: ${stderr.slice(-2000)}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await run(
      'ldapadd',
      ['-x', '-H', url, '-D', ADMIN_DN, '-w', ADMIN_PASSWORD, '-f', join(folder, 'data.ldif')],
      {
        env: { ...process.env, LDAPCONF: '/dev/null' },
        maxBuffer: 16 * 1024 * 1024,
      },
    );
  } catch (error) {
    await close();
    throw error;
  }
  return {
    url,
    baseDn: SLAPD_BASE,
    userDn: (n) => `cn=user${n},ou=users,${SLAPD_BASE}`,
    groupDn: (g) => `cn=group${g},ou=groups,${SLAPD_BASE}`,
    close,
  };
}
