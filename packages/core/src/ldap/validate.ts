import type { Static } from '@sinclair/typebox';
import type { PatchedLDAPProviderRequest } from '@palisade/schema';
import type { Queryable } from '../db/database.ts';
import { assertThat, validationFailed } from '../http/api-error.ts';
import { findGroupByUuid } from '../identity/groups-repository.ts';
import { addProblem, certificateProblems, commonProviderProblems } from '../providers/validate.ts';
import { parseBaseDn } from './base-dn.ts';
import { baseDnClashes, type LdapProvider } from './ldap-providers.ts';

// A DNS name as TLS clients send it in SNI (RFC 6066 §3), optionally a wildcard's "*." in front.
const DNS_NAME =
  /^(?:\*\.)?(?=.{1,253}$)(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;

type LdapInput = Static<typeof PatchedLDAPProviderRequest>;

/**
 * Checks an LDAP provider's body beyond its JSON Schema, reporting every problem at once, per field, and
 * returns the base DN to store (canonical spelling), if the body sets one. `current` is the provider a PUT
 * or PATCH changes: its base DN must stay unique among the providers of each outpost serving it.
 */
export async function assertValidLdapProvider(
  db: Queryable,
  body: LdapInput,
  current?: LdapProvider,
): Promise<{ baseDn: string | undefined }> {
  const problems = await commonProviderProblems(db, body, {}, { authorizationDesignation: 'authentication' });
  let baseDn: string | undefined;
  if (body.base_dn !== undefined) {
    const parsed = parseBaseDn(body.base_dn);
    if ('problem' in parsed) addProblem(problems, 'base_dn', parsed.problem);
    else baseDn = parsed.canonical;
  }
  if (current && baseDn !== undefined) {
    for (const clash of await baseDnClashes(db, current.id, baseDn))
      addProblem(
        problems,
        'base_dn',
        `Outpost ${clash.outpost} also serves LDAP provider ${clash.provider} with this base DN.`,
      );
  }
  if (body.tls_server_name && !DNS_NAME.test(body.tls_server_name))
    addProblem(
      problems,
      'tls_server_name',
      'Enter a host name (such as ldap.example.com), or leave it empty.',
    );
  await certificateProblems(db, body.certificate, problems);
  if (body.search_group && !(await findGroupByUuid(db, body.search_group)))
    addProblem(problems, 'search_group', `Invalid pk "${body.search_group}" - object does not exist.`);
  assertThat(Object.keys(problems).length === 0, () => validationFailed(problems));
  return { baseDn };
}
