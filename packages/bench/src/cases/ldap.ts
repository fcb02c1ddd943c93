/**
 * Case `ldap`: the LDAP outpost beside Debian's OpenLDAP slapd, both holding the same 1,000 users in 50
 * groups, in one run: searches per second (base scope on a user's DN, subtree `(objectClass=inetOrgPerson)`
 * with a size limit of 100, a `memberOf` filter) and binds per second, for Palisade in cached and in direct
 * mode and for slapd. The load comes from ldapts clients in a worker thread; the rounds interleave the three
 * servers so a change in the machine's load falls on all of them.
 */
import type { BenchCase, BenchSettings, CaseReport, TargetCheck } from '../bench-case.ts';
import { fixed, markdownTable } from '../bench-case.ts';
import { type LdapLoadJob, type LdapOp, runLdapLoad } from '../ldap-load.ts';
import { startSlapd } from '../servers/slapd.ts';
import { passwordOf, startLdapStack } from '../../../outpost/test/ldap/support/ldap-stack.ts';

const USERS = 1000;
const GROUPS = 50;
const CONCURRENCY = 8;
const OPS: readonly LdapOp[] = ['base', 'subtree', 'memberOf', 'bind'];
const LABEL: Record<LdapOp, string> = {
  base: 'search, base scope on a user',
  subtree: 'search, subtree objectClass, size limit 100',
  memberOf: 'search, memberOf filter',
  bind: 'bind',
};

interface Side {
  name: string;
  job: Omit<LdapLoadJob, 'op' | 'seconds' | 'concurrency'>;
}

function sideFor(name: string, url: string, base: string, searchAs: { dn: string; password: string }): Side {
  const user = (n: number) => `cn=user${n},ou=users,${base}`;
  const picks = Array.from({ length: 200 }, (_, i) => 1 + ((i * 37) % USERS));
  return {
    name,
    job: {
      url,
      searchAs,
      binds: picks.map((n) => ({ dn: user(n), password: passwordOf(n) })),
      userDns: picks.map(user),
      groupDns: Array.from({ length: GROUPS }, (_, g) => `cn=group${g},ou=groups,${base}`),
      usersBase: `ou=users,${base}`,
    },
  };
}

async function run(settings: BenchSettings): Promise<CaseReport> {
  settings.log('ldap: starting the core and two outposts (cached, direct) over 1,000 users');
  const stack = await startLdapStack({
    users: USERS,
    groups: GROUPS,
    providers: [
      { name: 'cached', baseDn: 'dc=cached,dc=test', searchMode: 'cached', bindMode: 'cached' },
      { name: 'direct', baseDn: 'dc=direct,dc=test', searchMode: 'direct', bindMode: 'direct' },
    ],
  });
  settings.log('ldap: starting slapd');
  const slapd = await startSlapd(USERS, GROUPS).catch(async (error: unknown) => {
    await stack.close();
    throw error;
  });
  try {
    const [cached, direct] = stack.outposts;
    if (!cached || !direct) throw new Error('the stack has no outposts');
    const reader = (base: string) => ({ dn: `cn=reader,ou=users,${base}`, password: 'reader-password' });
    const sides = [
      sideFor('slapd', slapd.url, slapd.baseDn, { dn: slapd.userDn(1), password: passwordOf(1) }),
      sideFor(
        'Palisade cached',
        `ldap://127.0.0.1:${cached.ldapPort}`,
        'dc=cached,dc=test',
        reader('dc=cached,dc=test'),
      ),
      sideFor(
        'Palisade direct',
        `ldap://127.0.0.1:${direct.ldapPort}`,
        'dc=direct,dc=test',
        reader('dc=direct,dc=test'),
      ),
    ];
    // Cached binds are a cache: each of the 200 users binds once first (through the flow), as a warm cache
    // in production has; the rounds then measure repeated binds on every side alike.
    for (const side of sides)
      await runLdapLoad({ ...side.job, op: 'warm', seconds: 0, concurrency: CONCURRENCY });
    const best = new Map<string, number>();
    const failures = new Map<string, number>();
    for (let round = 0; round < settings.rounds; round++) {
      for (const op of OPS) {
        for (const side of sides) {
          const result = await runLdapLoad({
            ...side.job,
            op,
            seconds: settings.seconds,
            concurrency: CONCURRENCY,
          });
          const key = `${side.name}|${op}`;
          best.set(key, Math.max(best.get(key) ?? 0, result.perSecond));
          failures.set(key, (failures.get(key) ?? 0) + result.failed);
          settings.log(
            `ldap: round ${round + 1} ${side.name} ${op}: ${fixed(result.perSecond, 0)}/s (${result.failed} failed)`,
          );
        }
      }
    }
    const rate = (side: string, op: LdapOp) => best.get(`${side}|${op}`) ?? 0;
    const ratio = (side: string, op: LdapOp) => rate(side, op) / Math.max(rate('slapd', op), 1e-9);
    const rows = OPS.map((op) => [
      LABEL[op],
      fixed(rate('slapd', op), 0),
      fixed(rate('Palisade cached', op), 0),
      `${fixed(ratio('Palisade cached', op))}x`,
      fixed(rate('Palisade direct', op), 0),
      `${fixed(ratio('Palisade direct', op))}x`,
    ]);
    const targets: TargetCheck[] = OPS.map((op) => ({
      target: `cached ${LABEL[op]} at least 0.5x slapd`,
      measured: `${fixed(ratio('Palisade cached', op))}x`,
      met: ratio('Palisade cached', op) >= 0.5,
    }));
    return {
      title: 'LDAP: the outpost (cached, direct) beside OpenLDAP slapd, 1,000 users in 50 groups',
      table: markdownTable(
        ['operation (per second)', 'slapd', 'Palisade cached', 'ratio', 'Palisade direct', 'ratio'],
        rows,
      ),
      notes: [
        `Best of ${settings.rounds} interleaved rounds of ${settings.seconds} s each, ${CONCURRENCY} ldapts connections in a worker thread; search connections bind once, bind connections re-bind in a loop over 200 users.`,
        'slapd: mdb with equality indexes on objectClass, cn, uid and memberOf, the memberof overlay, SSHA passwords. Palisade: the real core (embedded database) and two outposts in the bench process.',
        'Direct mode is slower by design: each bind runs the authentication flow in the core (an argon2id check, a session, check_access, users/me) and each search fetches users and groups from the core API, while slapd and cached mode answer from memory.',
        'The subtree filter is (objectClass=inetOrgPerson), a class both directories give their users (slapd has no `user` class).',
        `Failed operations: ${
          [...failures]
            .filter(([, n]) => n > 0)
            .map(([k, n]) => `${k} ${n}`)
            .join(', ') || 'none'
        }.`,
      ],
      targets,
      data: Object.fromEntries(best),
    };
  } finally {
    await slapd.close();
    await stack.close();
  }
}

/** The case. */
export const ldap: BenchCase = {
  name: 'ldap',
  summary: 'LDAP outpost (cached, direct) beside slapd: searches and binds per second',
  tools: ['slapd', 'ldapsearch'],
  run,
};
