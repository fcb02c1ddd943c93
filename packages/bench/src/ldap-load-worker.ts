/**
 * One LDAP load generator, run in a worker thread so the clients do not share an event loop with the
 * servers under test: `concurrency` ldapts connections, each bound once (searches) or binding over and over
 * (binds), for `seconds`; posts how many operations finished and how many failed.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { Client } from 'ldapts';
import type { LdapLoadJob } from './ldap-load.ts';

const job = workerData as LdapLoadJob;

async function client(): Promise<Client> {
  const c = new Client({ url: job.url, timeout: 30_000 });
  if (job.op !== 'bind' && job.op !== 'warm') await c.bind(job.searchAs.dn, job.searchAs.password);
  return c;
}

function pick<T>(list: readonly T[], i: number): T {
  return list[i % list.length] as T;
}

async function loop(c: Client, index: number, deadline: number, counts: { ok: number; failed: number }) {
  const warm = job.op === 'warm';
  for (let i = index; warm ? i < job.binds.length : performance.now() < deadline; i += job.concurrency) {
    try {
      if (job.op === 'bind' || warm) {
        const who = pick(job.binds, i);
        await c.bind(who.dn, who.password);
      } else if (job.op === 'base') {
        await c.search(pick(job.userDns, i), { scope: 'base', filter: '(objectClass=*)' });
      } else if (job.op === 'subtree') {
        await c.search(job.usersBase, {
          scope: 'sub',
          filter: '(objectClass=inetOrgPerson)',
          sizeLimit: 100,
          attributes: ['cn', 'mail'],
        });
      } else {
        await c.search(job.usersBase, {
          scope: 'sub',
          filter: `(memberOf=${pick(job.groupDns, i)})`,
          attributes: ['cn'],
        });
      }
      counts.ok++;
    } catch {
      counts.failed++;
    }
  }
}

const clients = await Promise.all(Array.from({ length: job.concurrency }, client));
const counts = { ok: 0, failed: 0 };
const started = performance.now();
const deadline = started + job.seconds * 1000;
await Promise.all(clients.map((c, i) => loop(c, i, deadline, counts)));
const elapsed = (performance.now() - started) / 1000;
await Promise.all(clients.map((c) => c.unbind().catch(() => {})));
parentPort?.postMessage({ ...counts, seconds: elapsed });
