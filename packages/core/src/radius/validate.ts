import type { Static } from '@sinclair/typebox';
import type { PatchedRadiusProviderRequest } from '@palisade/schema';
import type { Queryable } from '../db/database.ts';
import { assertThat, validationFailed } from '../http/api-error.ts';
import { addProblem, certificateProblems, commonProviderProblems } from '../providers/validate.ts';
import { parseClientNetworks } from './client-networks.ts';
import { unknownRadiusMappings } from './property-mappings.ts';

type RadiusInput = Static<typeof PatchedRadiusProviderRequest>;

/**
 * Checks a RADIUS provider's body beyond its JSON Schema, reporting every problem at once, per field, and
 * returns the client networks to store (canonical), if the body sets them.
 */
export async function assertValidRadiusProvider(
  db: Queryable,
  body: RadiusInput,
): Promise<{ clientNetworks: string | undefined }> {
  const problems = await commonProviderProblems(
    db,
    body,
    {},
    {
      authorizationDesignation: 'authentication',
      unknownMappings: (uuids) => unknownRadiusMappings(db, uuids),
    },
  );
  let clientNetworks: string | undefined;
  if (body.client_networks !== undefined) {
    const parsed = parseClientNetworks(body.client_networks);
    if ('problems' in parsed) for (const p of parsed.problems) addProblem(problems, 'client_networks', p);
    else clientNetworks = parsed.canonical;
  }
  await certificateProblems(db, body.certificate, problems);
  assertThat(Object.keys(problems).length === 0, () => validationFailed(problems));
  return { clientNetworks };
}
