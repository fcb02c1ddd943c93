/**
 * A real Palisade core with a seeded directory and real LDAP outposts in front of it, as the real-client
 * tests and the `ldap` bench case use them: `users` users (`user1`…, password `password-<n>`) spread over
 * `groups` groups (`group0`…), an `ldap-users` group every user but `outsider` is in (the application's
 * policy binding), the `ldap-readers` search group holding `reader`, a certificate for `localhost` and
 * 127.0.0.1, and one outpost per provider spec, each provider on its own base DN.
 */
import { hashPassword } from '@palisade/core/identity/passwords';
import { insertGroup } from '@palisade/core/identity/groups-repository';
import { insertUser } from '@palisade/core/identity/users-repository';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startOutpost, type OutpostHandle } from '../../../src/process/main.ts';
import { ldapModule } from '../../../src/ldap/module.ts';
import type { LdapRuntime } from '../../../src/ldap/runtime.ts';
import type { Timers } from '../../../src/process/timers.ts';
import { recordingLog } from '../../support/log.ts';
import { startTestCore, type TestCore } from '../../support/core.ts';

/** One provider and its outpost. */
export interface ProviderSpec {
  name: string;
  baseDn: string;
  searchMode: 'direct' | 'cached';
  bindMode: 'direct' | 'cached';
  mfaSupport?: boolean;
}

/** A running outpost of the stack. */
export interface StackOutpost {
  spec: ProviderSpec;
  providerPk: number;
  handle: OutpostHandle;
  runtime: LdapRuntime;
  ldapPort: number;
  ldapsPort: number;
  /** What the outpost logged (refreshes say so with their reason). */
  log: ReturnType<typeof recordingLog>;
}

/** The stack. */
export interface LdapStack {
  core: TestCore;
  outposts: StackOutpost[];
  /** The PEM of the providers' certificate (for the clients' trust). */
  caPem: string;
  close(): Promise<void>;
}

async function check<T>(
  promise: Promise<{ status: number; body: T }>,
  status: number,
  what: string,
): Promise<T> {
  const answer = await promise;
  if (answer.status !== status) throw new Error(`${what}: ${answer.status} ${JSON.stringify(answer.body)}`);
  return answer.body;
}

/** Seeds the core's database directly (one password hash shared: argon2 a thousand times is minutes). */
async function seed(core: TestCore, users: number, groups: number) {
  const { db } = core.server.ctx;
  const ids: number[] = [];
  const hashes = new Map<number, string>();
  for (let i = 1; i <= users; i++) {
    // Ten distinct hashes, reused: still one argon2 per bind in the core, as in production.
    const key = i % 10;
    if (!hashes.has(key)) hashes.set(key, await hashPassword(`password-${key}`));
    const user = await insertUser(db, {
      username: `user${i}`,
      name: `User ${i}`,
      email: `user${i}@example.com`,
      attributes: {},
      passwordHash: hashes.get(key) as string,
    });
    ids.push(user.id);
  }
  const reader = await insertUser(db, {
    username: 'reader',
    name: 'Reader',
    email: 'reader@example.com',
    attributes: {},
    passwordHash: await hashPassword('reader-password'),
  });
  const outsider = await insertUser(db, {
    username: 'outsider',
    name: 'Outsider',
    email: 'outsider@example.com',
    attributes: {},
    passwordHash: await hashPassword('outsider-password'),
  });
  for (let g = 0; g < groups; g++) {
    await insertGroup(db, {
      name: `group${g}`,
      memberIds: ids.filter((_, index) => (index + 1) % groups === g),
    });
  }
  const allowed = await insertGroup(db, { name: 'ldap-users', memberIds: [...ids, reader.id] });
  const readers = await insertGroup(db, { name: 'ldap-readers', memberIds: [reader.id] });
  return { allowed: allowed.uuid, readers: readers.uuid, outsider };
}

/**
 * A self-signed certificate for localhost and 127.0.0.1 that is its own CA (basicConstraints CA:TRUE, as
 * `openssl req -x509` makes it): GnuTLS, under ldap-utils, trusts a self-signed certificate only as a CA.
 * libldap checks a URI host of `localhost` against the machine's own name instead, so that name is in it.
 */
async function selfSignedCa(): Promise<{ certificatePem: string; privateKeyPem: string }> {
  const folder = mkdtempSync(join(tmpdir(), 'palisade-ldap-cert-'));
  const names = [...new Set(['localhost', hostname()])].map((n) => `DNS:${n}`).join(',');
  try {
    await promisify(execFile)('openssl', [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-days',
      '3',
      '-subj',
      '/CN=localhost',
      '-addext',
      `subjectAltName=${names},IP:127.0.0.1`,
      '-keyout',
      join(folder, 'key.pem'),
      '-out',
      join(folder, 'cert.pem'),
    ]);
    return {
      certificatePem: readFileSync(join(folder, 'cert.pem'), 'utf8'),
      privateKeyPem: readFileSync(join(folder, 'key.pem'), 'utf8'),
    };
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

/** The password of seeded user `n` (ten distinct passwords, by n mod 10). */
export function passwordOf(n: number): string {
  return `password-${n % 10}`;
}

/** Starts the stack. */
export async function startLdapStack(options: {
  users: number;
  groups: number;
  providers: ProviderSpec[];
  /** The outposts' `config` (for example a `refresh_interval`). */
  outpostConfig?: Record<string, unknown>;
  /** The clock the outposts schedule with (a test holds the refresh interval's wait). */
  timers?: Timers;
}): Promise<LdapStack> {
  const core = await startTestCore();
  const outposts: StackOutpost[] = [];
  try {
    const seeded = await seed(core, options.users, options.groups);
    const keypair = await selfSignedCa();
    const certificate = await check(
      core.api('POST', '/crypto/certificatekeypairs/', {
        name: 'ldap',
        certificate_data: keypair.certificatePem,
        key_data: keypair.privateKeyPem,
      }),
      201,
      'certificate',
    );
    const flows = await check(core.api('GET', '/flows/instances/?page_size=100'), 200, 'flows');
    const flow = (slug: string) =>
      (flows as { results: { slug: string; pk: string }[] }).results.find((f) => f.slug === slug)?.pk;
    for (const spec of options.providers) {
      const provider = await check(
        core.api('POST', '/providers/ldap/', {
          name: spec.name,
          authorization_flow: flow('default-authentication-flow'),
          invalidation_flow: flow('default-invalidation-flow'),
          base_dn: spec.baseDn,
          search_mode: spec.searchMode,
          bind_mode: spec.bindMode,
          mfa_support: spec.mfaSupport ?? true,
          search_group: seeded.readers,
          certificate: (certificate as { pk: string }).pk,
          tls_server_name: 'localhost',
        }),
        201,
        `provider ${spec.name}`,
      );
      const providerPk = (provider as { pk: number }).pk;
      const app = await check(
        core.api('POST', '/core/applications/', { name: spec.name, slug: spec.name, provider: providerPk }),
        201,
        'application',
      );
      await check(
        core.api('POST', '/policies/bindings/', {
          target: (app as { pk: string }).pk,
          group: seeded.allowed,
          order: 0,
        }),
        201,
        'binding',
      );
      const outpost = await check(
        core.api('POST', '/outposts/instances/', {
          name: `ldap-${spec.name}`,
          type: 'ldap',
          providers: [providerPk],
          config: options.outpostConfig ?? {},
        }),
        201,
        'outpost',
      );
      const key = await check(
        core.api(
          'GET',
          `/core/tokens/${(outpost as { token_identifier: string }).token_identifier}/view_key/`,
        ),
        200,
        'token',
      );
      let runtime: LdapRuntime | undefined;
      const log = recordingLog();
      const handle = await startOutpost({
        env: {
          AUTHENTIK_HOST: core.url,
          AUTHENTIK_TOKEN: (key as { key: string }).key,
          AUTHENTIK_LISTEN__METRICS: '127.0.0.1:0',
        },
        module: ldapModule({
          listen: { ldap: { host: '127.0.0.1', port: 0 }, ldaps: { host: '127.0.0.1', port: 0 } },
          onRuntime: (created) => {
            runtime = created;
          },
        }),
        listen: true,
        log,
        timers: options.timers,
        reloadOffsetMs: 0,
      });
      outposts.push({
        spec,
        providerPk,
        handle,
        runtime: runtime as LdapRuntime,
        ldapPort: handle.addresses.ldap?.port ?? 0,
        ldapsPort: handle.addresses.ldaps?.port ?? 0,
        log,
      });
    }
    return {
      core,
      outposts,
      caPem: keypair.certificatePem,
      async close() {
        for (const o of outposts) await o.handle.close();
        await core.close().catch(() => {});
      },
    };
  } catch (error) {
    for (const o of outposts) await o.handle.close();
    await core.close();
    throw error;
  }
}
