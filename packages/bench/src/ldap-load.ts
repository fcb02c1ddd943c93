/** Runs one LDAP load job in a worker thread (ldap-load-worker.ts) and answers operations per second. */
import { Worker } from 'node:worker_threads';

/** The operations measured. */
export type LdapOp = 'base' | 'subtree' | 'memberOf' | 'bind';

/** A job's operation: a measured one, or `warm` (bind every one of `binds` once, not measured). */
export type LdapJobOp = LdapOp | 'warm';

/** What a worker runs. */
export interface LdapLoadJob {
  url: string;
  op: LdapJobOp;
  seconds: number;
  concurrency: number;
  /** Who search connections bind as. */
  searchAs: { dn: string; password: string };
  /** Who binds (cycled). */
  binds: { dn: string; password: string }[];
  /** Base-scope targets (cycled). */
  userDns: string[];
  /** memberOf values (cycled). */
  groupDns: string[];
  usersBase: string;
}

/** A finished run. */
export interface LdapLoadResult {
  perSecond: number;
  ok: number;
  failed: number;
}

/** Runs `job`. */
export function runLdapLoad(job: LdapLoadJob): Promise<LdapLoadResult> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./ldap-load-worker.ts', import.meta.url), { workerData: job });
    worker.once('message', (m: { ok: number; failed: number; seconds: number }) =>
      resolve({ perSecond: m.ok / m.seconds, ok: m.ok, failed: m.failed }),
    );
    worker.once('error', reject);
    worker.once('exit', (code) => {
      if (code !== 0) reject(new Error(`LDAP load worker exited with ${code}`));
    });
  });
}
