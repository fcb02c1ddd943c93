import type { Queryable } from '../db/database.ts';
import { assertThat, validationFailed } from '../http/api-error.ts';
import {
  addProblem,
  commonProviderProblems,
  type Problems,
  validityProblems,
} from '../providers/validate.ts';
import { parseEndpointHost } from './endpoint-host.ts';
import { findRacProvider } from './providers-repository.ts';
import { unknownRacPropertyMappings } from './property-mappings-repository.ts';

/** Names each uuid of `field` that is no RAC property mapping. */
async function mappingProblems(
  db: Queryable,
  field: string,
  uuids: string[] | undefined,
  problems: Problems,
) {
  for (const uuid of await unknownRacPropertyMappings(db, uuids ?? []))
    addProblem(problems, field, `Invalid pk "${uuid}" - object does not exist.`);
}

/** Checks an RAC provider's body beyond its JSON Schema: flows, mappings and the expiry; all at once. */
export async function assertValidRacProvider(
  db: Queryable,
  body: {
    authorization_flow?: string;
    invalidation_flow?: string;
    authentication_flow?: string | null;
    property_mappings?: string[];
    connection_expiry?: string;
  },
): Promise<void> {
  // RAC providers' mappings are RAC property mappings, not the scope mappings the common check knows.
  const problems = await commonProviderProblems(db, { ...body, property_mappings: undefined });
  await mappingProblems(db, 'property_mappings', body.property_mappings, problems);
  validityProblems(body, ['connection_expiry'], problems);
  assertThat(Object.keys(problems).length === 0, () => validationFailed(problems));
}

/** Checks an endpoint's body beyond its JSON Schema: its provider is an RAC provider, its host parses. */
export async function assertValidRacEndpoint(
  db: Queryable,
  body: { provider?: number; host?: string; property_mappings?: string[] },
): Promise<void> {
  const problems: Problems = {};
  if (body.provider !== undefined && !(await findRacProvider(db, body.provider)))
    addProblem(problems, 'provider', `Invalid pk "${body.provider}" - object does not exist.`);
  if (body.host !== undefined && !parseEndpointHost(body.host))
    addProblem(problems, 'host', 'Enter a host name or IP address, optionally followed by :port (1-65535).');
  await mappingProblems(db, 'property_mappings', body.property_mappings, problems);
  assertThat(Object.keys(problems).length === 0, () => validationFailed(problems));
}

/** Checks a mapping's body: Palisade runs no expressions, so only static settings are accepted. */
export function assertValidRacPropertyMapping(body: { expression?: string }): void {
  assertThat(!body.expression?.trim(), () =>
    validationFailed({
      expression: ['Expressions are not supported: put the settings in static_settings.'],
    }),
  );
}
