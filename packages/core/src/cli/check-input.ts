import type { TSchema } from '@sinclair/typebox';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { UsageError } from './command.ts';

const ajv = new Ajv.default({ strict: false, coerceTypes: false });
addFormats.default(ajv, ['email']);

/** One value from the command line, the API schema of the field it becomes, and what to say if it fails. */
export interface InputCheck {
  value: unknown;
  schema: TSchema;
  /** e.g. `--email must be an email address` */
  problem: string;
}

/**
 * Checks command-line values against the REST API's own field schemas (@palisade/schema), so the command
 * accepts exactly what the API accepts whether it goes through the API or to the database directly.
 * Every problem (with `otherProblems` found by the command itself) is reported at once, as a usage error.
 */
export function checkInput(checks: InputCheck[], otherProblems: string[] = []): void {
  const problems = checks
    .filter((check) => check.value !== undefined && !ajv.validate(check.schema, check.value))
    .map((check) => check.problem)
    .concat(otherProblems);
  if (problems.length > 0) throw new UsageError(problems.join('; '));
}
