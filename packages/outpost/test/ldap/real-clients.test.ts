/**
 * Real clients against a real core and real LDAP outposts (issue 16, "Real clients, in CI"): Debian's
 * ldapsearch, ldapwhoami and ldapcompare, and ldapts, over a directory of 1,000 users in 50 groups.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Client, InsufficientAccessError } from 'ldapts';
import { findUserByUsername } from '@palisade/core/identity/users-repository';
import { insertTotpDevice } from '@palisade/core/mfa/totp-devices-repository';
import { newTotpSecret, TOTP_DEFAULTS, totpCodeAt } from '@palisade/core/mfa/totp';
import { endUserSessions } from '@palisade/core/sessions/end-session';
import { passwordOf, type LdapStack, startLdapStack, type StackOutpost } from './support/ldap-stack.ts';

const DIRECT = 'dc=direct,dc=test';
const CACHED = 'dc=cached,dc=test';

/** Runs an ldap-utils program; answers its exit code and output. */
function run(
  program: string,
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      program,
      args,
      {
        env: { ...process.env, LDAPCONF: '/dev/null', LDAPRC: 'palisade-no-ldaprc', ...env },
        timeout: 60_000,
        maxBuffer: 64 * 1024 * 1024,
      },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/** The DNs an ldapsearch LDIF output lists. */
function dns(ldif: string): string[] {
  return ldif
    .split('\n')
    .filter((line) => line.startsWith('dn: '))
    .map((line) => line.slice(4));
}

describe('real LDAP clients against a real core and the LDAP outpost', () => {
  let stack: LdapStack;
  let direct: StackOutpost;
  let cached: StackOutpost;
  let folder: string;
  let caFile: string;
  let totp: Parameters<typeof totpCodeAt>[0];
  /** Every account the outpost sees: the seeded ones, akadmin and the outposts' service accounts. */
  let accounts: number;
  /** Every group: the 50 seeded, ldap-users, ldap-readers and the core's own. */
  let groupCount: number;
  const url = (o: StackOutpost) => `ldap://127.0.0.1:${o.ldapPort}`;
  const user = (n: number | string, base = DIRECT) =>
    `cn=${typeof n === 'number' ? `user${n}` : n},ou=users,${base}`;
  const bindArgs = (o: StackOutpost, who: string, password: string) => [
    '-x',
    '-H',
    url(o),
    '-D',
    who,
    '-w',
    password,
  ];

  before(async () => {
    stack = await startLdapStack({
      users: 1000,
      groups: 50,
      providers: [
        { name: 'direct', baseDn: DIRECT, searchMode: 'direct', bindMode: 'direct' },
        { name: 'cached', baseDn: CACHED, searchMode: 'cached', bindMode: 'cached' },
      ],
    });
    [direct, cached] = stack.outposts as [StackOutpost, StackOutpost];
    folder = mkdtempSync(join(tmpdir(), 'palisade-ldap-'));
    caFile = join(folder, 'ca.pem');
    writeFileSync(caFile, stack.caPem);
    const { db, box } = stack.core.server.ctx;
    accounts = Number((await db.query<{ n: string }>('SELECT count(*) AS n FROM users'))[0]?.n);
    assert.ok(accounts >= 1002);
    groupCount = Number((await db.query<{ n: string }>('SELECT count(*) AS n FROM groups'))[0]?.n);
    assert.ok(groupCount >= 52);
    const mfaUser = await findUserByUsername(db, 'user7');
    totp = { secret: newTotpSecret(), ...TOTP_DEFAULTS };
    await insertTotpDevice(db, box, {
      userId: mfaUser?.id ?? 0,
      name: 'phone',
      parameters: totp,
      confirmed: true,
    });
  });
  after(async () => {
    await stack?.close();
    if (folder) rmSync(folder, { recursive: true, force: true });
  });

  it('ldapwhoami binds with a password through the flow executor', async () => {
    const result = await run('ldapwhoami', bindArgs(direct, user(3), passwordOf(3)));
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout.trim(), `dn:${user(3)}`);
    const wrong = await run('ldapwhoami', bindArgs(direct, user(3), 'wrong-password'));
    assert.equal(wrong.code, 49, wrong.stderr);
  });

  it('binds with password;TOTP code for a user with a TOTP device, and not without the code', async () => {
    const withCode = await run(
      'ldapwhoami',
      bindArgs(direct, user(7), `${passwordOf(7)};${totpCodeAt(totp, Date.now())}`),
    );
    assert.equal(withCode.code, 0, withCode.stderr);
    const without = await run('ldapwhoami', bindArgs(direct, user(7), passwordOf(7)));
    assert.equal(without.code, 49, without.stderr);
  });

  it('refuses a user the application does not admit', async () => {
    const result = await run('ldapwhoami', bindArgs(direct, user('outsider'), 'outsider-password'));
    assert.equal(result.code, 50, result.stderr);
  });

  it('ldapsearch lists each subtree to the full-directory reader, and only oneself to others', async () => {
    const reader = bindArgs(direct, user('reader'), 'reader-password');
    const users = await run('ldapsearch', [
      ...reader,
      '-b',
      `ou=users,${DIRECT}`,
      '-s',
      'one',
      '-E',
      'pr=200/noprompt',
      '(objectClass=user)',
      'cn',
    ]);
    assert.equal(users.code, 0, users.stderr);
    assert.equal(dns(users.stdout).length, accounts, 'user1…user1000, reader, outsider and the others');
    const groups = await run('ldapsearch', [
      ...reader,
      '-b',
      `ou=groups,${DIRECT}`,
      '-s',
      'one',
      '(objectClass=group)',
      'cn',
    ]);
    assert.equal(dns(groups.stdout).length, groupCount, groups.stderr);
    const virtual = await run('ldapsearch', [
      ...reader,
      '-b',
      `ou=virtual-groups,${DIRECT}`,
      '-s',
      'one',
      '-E',
      'pr=500/noprompt',
      '(cn=user1*)',
      'member',
    ]);
    assert.equal(dns(virtual.stdout).length, 112, virtual.stderr);
    const self = await run('ldapsearch', [
      ...bindArgs(direct, user(5), passwordOf(5)),
      '-b',
      DIRECT,
      '(objectClass=user)',
      'cn',
    ]);
    assert.deepEqual(dns(self.stdout), [user(5)], self.stderr);
  });

  it('ldapsearch answers memberOf combined with an attribute list (the reference #6190)', async () => {
    const result = await run('ldapsearch', [
      ...bindArgs(direct, user('reader'), 'reader-password'),
      '-b',
      DIRECT,
      `(&(objectClass=user)(memberOf=cn=group3,ou=groups,${DIRECT}))`,
      'cn',
      'mail',
    ]);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(dns(result.stdout).length, 20);
    assert.match(result.stdout, /^mail: user3@example\.com$/m);
    assert.doesNotMatch(result.stdout, /^(uidNumber|memberOf):/m);
  });

  it('pages 1,000 users with ldapts, and ldapsearch without paging reports the size limit', async () => {
    const client = new Client({ url: url(cached), timeout: 30_000 });
    try {
      await client.bind(user('reader', CACHED), 'reader-password');
      const paged = await client.search(`ou=users,${CACHED}`, {
        scope: 'one',
        filter: '(objectClass=user)',
        attributes: ['cn'],
        paged: { pageSize: 100 },
      });
      assert.equal(paged.searchEntries.length, accounts);
    } finally {
      await client.unbind();
    }
    const limited = await run('ldapsearch', [
      ...bindArgs(cached, user('reader', CACHED), 'reader-password'),
      '-b',
      CACHED,
      '-z',
      '10',
      '(objectClass=user)',
      'cn',
    ]);
    assert.equal(limited.code, 4, limited.stderr);
    assert.equal(dns(limited.stdout).length, 10);
  });

  it('ldapcompare compares an attribute', async () => {
    const args = bindArgs(direct, user('reader'), 'reader-password');
    const yes = await run('ldapcompare', [...args, user(12), 'mail:user12@example.com']);
    assert.equal(yes.code, 6, yes.stderr);
    const no = await run('ldapcompare', [...args, user(12), 'mail:nobody@example.com']);
    assert.equal(no.code, 5, no.stderr);
  });

  it('StartTLS and LDAPS with the provider certificate, verified by ldapsearch', async () => {
    const tlsEnv = { LDAPTLS_CACERT: caFile, LDAPTLS_REQCERT: 'demand' };
    const startTls = await run(
      'ldapwhoami',
      ['-ZZ', ...bindArgs(direct, user(9), passwordOf(9)).map((a) => a.replace('127.0.0.1', 'localhost'))],
      tlsEnv,
    );
    assert.equal(startTls.code, 0, startTls.stderr);
    const ldaps = await run(
      'ldapwhoami',
      ['-x', '-H', `ldaps://localhost:${direct.ldapsPort}`, '-D', user(9), '-w', passwordOf(9)],
      tlsEnv,
    );
    assert.equal(ldaps.code, 0, ldaps.stderr);
    const untrusted = await run(
      'ldapwhoami',
      ['-x', '-H', `ldaps://localhost:${direct.ldapsPort}`, '-D', user(9), '-w', passwordOf(9)],
      { LDAPTLS_REQCERT: 'demand', LDAPTLS_CACERT: '/etc/ssl/certs/ca-certificates.crt' },
    );
    assert.notEqual(untrusted.code, 0, 'a client that does not trust the certificate fails');
  });

  it('closes the connection of a bind whose core session was signed out', async () => {
    for (const outpost of [direct, cached]) {
      const base = outpost === direct ? DIRECT : CACHED;
      const client = new Client({ url: url(outpost), timeout: 10_000 });
      await client.bind(user(11, base), passwordOf(11));
      await client.search(base, { filter: '(cn=user11)' });
      const found = await findUserByUsername(stack.core.server.ctx.db, 'user11');
      await endUserSessions(stack.core.server.ctx, found?.id ?? 0);
      let closed = false;
      for (let i = 0; i < 100 && !closed; i++) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        closed = !client.isConnected;
      }
      assert.ok(closed, `${outpost.spec.name}: the connection was closed by SESSION_END`);
    }
  });

  it('cached mode answers binds and searches while the core is stopped; direct mode is unavailable', async () => {
    const args = bindArgs(cached, user(20, CACHED), passwordOf(20));
    const first = await run('ldapwhoami', args);
    assert.equal(first.code, 0, first.stderr);
    await stack.core.server.close();
    const bound = await run('ldapsearch', [...args, '-b', `ou=users,${CACHED}`, '(cn=user20)', 'cn']);
    assert.equal(bound.code, 0, bound.stderr);
    assert.deepEqual(dns(bound.stdout), [user(20, CACHED)]);
    const refused = await run('ldapwhoami', bindArgs(direct, user(20), passwordOf(20)));
    assert.equal(refused.code, 52, refused.stderr);
    const anonymous = new Client({ url: url(direct) });
    await assert.rejects(anonymous.search(DIRECT, { filter: '(objectClass=*)' }), InsufficientAccessError);
  });
});
