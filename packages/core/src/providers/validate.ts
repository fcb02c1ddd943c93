import type { Queryable } from '../db/database.ts';
import { queryOne } from '../db/database.ts';
import { findFlow } from '../flows/flows-repository.ts';
import { uniqueViolation, validationFailed } from '../http/api-error.ts';
import { parseValidity } from '../oauth2/validity.ts';
import { unknownScopeMappings } from './property-mappings-repository.ts';

/** Field name -> messages, in the contract's ValidationError shape. */
export type Problems = Record<string, string[]>;

/** Adds a message to a field's problems. */
export function addProblem(problems: Problems, field: string, message: string): void {
  problems[field] = [...(problems[field] ?? []), message];
}

const FLOW_FIELDS = [
  ['authorization_flow', 'authorization'],
  ['invalidation_flow', 'invalidation'],
  ['authentication_flow', 'authentication'],
] as const;

/** The fields every kind of provider has and checks alike. */
export interface CommonProviderInput {
  authorization_flow?: string;
  invalidation_flow?: string;
  authentication_flow?: string | null;
  property_mappings?: string[];
}

/** How a kind of provider differs in the common checks. */
export interface CommonChecks {
  /** The uuids among these that name no property mapping of the kind (default: the scope mappings). */
  unknownMappings?: (uuids: string[]) => string[] | Promise<string[]>;
  /**
   * The designation `authorization_flow` must have: `authorization` for web providers; LDAP and RADIUS
   * providers run it as their bind flow, so theirs is an `authentication` flow (spec §0.2).
   */
  authorizationDesignation?: 'authorization' | 'authentication';
}

/**
 * Checks what JSON Schema cannot about the fields every provider has: each flow exists and is of its
 * field's kind, and each property mapping is one the server knows.
 */
export async function commonProviderProblems(
  db: Queryable,
  body: CommonProviderInput,
  problems: Problems = {},
  checks: CommonChecks = {},
): Promise<Problems> {
  for (const [field, fieldDesignation] of FLOW_FIELDS) {
    const uuid = body[field];
    if (!uuid) continue;
    const designation =
      field === 'authorization_flow'
        ? (checks.authorizationDesignation ?? fieldDesignation)
        : fieldDesignation;
    const flow = await findFlow(db, uuid);
    if (!flow) addProblem(problems, field, `Invalid pk "${uuid}" - object does not exist.`);
    else if (flow.designation !== designation)
      addProblem(problems, field, `Flow ${flow.slug} is not an ${designation} flow.`);
  }
  const unknownMappings = checks.unknownMappings ?? unknownScopeMappings;
  for (const uuid of await unknownMappings(body.property_mappings ?? [])) {
    addProblem(problems, 'property_mappings', `Invalid pk "${uuid}" - object does not exist.`);
  }
  return problems;
}

/** Checks durations in the `hours=1;minutes=2;seconds=3` format, naming each field that is not one. */
export function validityProblems<Field extends string>(
  body: Partial<Record<Field, string>>,
  fields: readonly Field[],
  problems: Problems = {},
): Problems {
  for (const field of fields) {
    const value = body[field];
    if (value === undefined) continue;
    try {
      parseValidity(value);
    } catch (error) {
      addProblem(problems, field, (error as Error).message);
    }
  }
  return problems;
}

/** Turns a unique violation on a provider's name or client id into the contract's 400; rethrows the rest. */
export function rethrowDuplicate(error: unknown): never {
  const constraint = uniqueViolation(error);
  if (constraint) {
    const field = constraint.includes('client_id') ? 'client_id' : 'name';
    throw validationFailed({ [field]: [`A provider with this ${field} already exists.`] }, 'unique');
  }
  throw error;
}

/** Checks that a certificate-key pair a provider serves TLS with exists and has its private key. */
export async function certificateProblems(
  db: Queryable,
  uuid: string | null | undefined,
  problems: Problems,
  field = 'certificate',
): Promise<Problems> {
  if (!uuid) return problems;
  const keypair = await queryOne<{ has_key: boolean }>(
    db,
    'SELECT key_data_sealed IS NOT NULL AS has_key FROM certificate_keypairs WHERE kp_uuid = $1',
    [uuid],
  );
  if (!keypair) addProblem(problems, field, `Invalid pk "${uuid}" - object does not exist.`);
  else if (!keypair.has_key)
    addProblem(problems, field, 'This certificate has no private key, so it cannot serve TLS.');
  return problems;
}
