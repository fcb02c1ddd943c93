import type { Queryable } from '../db/database.ts';
import type { PolicyEngineMode } from '../applications/applications-repository.ts';
import { bindingsOf, type PolicyBinding } from './bindings-repository.ts';

/** The outcome of evaluating a target's bindings for a user, with the reasons a person can read. */
export interface AccessResult {
  passing: boolean;
  messages: string[];
}

/**
 * The groups whose bindings apply to a user: the groups the user is in, and every ancestor of those (a
 * binding to "engineering" admits the members of its child "platform").
 */
export async function effectiveGroups(db: Queryable, userId: number): Promise<Set<string>> {
  const rows = await db.query<{ uuid: string }>(
    `WITH RECURSIVE ancestry(uuid) AS (
       SELECT gm.group_uuid FROM group_members gm WHERE gm.user_id = $1
       UNION SELECT gp.parent_uuid FROM group_parents gp JOIN ancestry a ON gp.group_uuid = a.uuid
     ) SELECT uuid::text AS uuid FROM ancestry`,
    [userId],
  );
  return new Set(rows.map((r) => r.uuid));
}

/**
 * Decides whether `userId` (undefined: an anonymous client) passes the bindings of `target` (an application,
 * a flow or a flow-stage binding):
 * disabled bindings are skipped; no enabled binding means everyone passes; each binding passes when it names
 * the user or one of the user's effective groups, flipped by `negate`; mode `all` needs every binding to
 * pass, `any` at least one. A binding to a policy (not yet supported) gives its failure result.
 */
export async function evaluateAccess(
  db: Queryable,
  target: string,
  mode: PolicyEngineMode,
  userId: number | undefined,
): Promise<AccessResult> {
  const bindings = (await bindingsOf(db, target)).filter((b) => b.enabled);
  if (bindings.length === 0) return { passing: true, messages: [] };
  // Nobody identified yet (a flow's first stages): no user or group binding can name them.
  const groups = userId === undefined ? new Set<string>() : await effectiveGroups(db, userId);
  const results = bindings.map((binding) => ({ binding, passing: bindingPasses(binding, userId, groups) }));
  const passing = mode === 'all' ? results.every((r) => r.passing) : results.some((r) => r.passing);
  const messages = passing ? [] : results.filter((r) => !r.passing).map((r) => describeFailure(r.binding));
  return { passing, messages };
}

function bindingPasses(binding: PolicyBinding, userId: number | undefined, groups: Set<string>): boolean {
  let result: boolean;
  if (binding.userId !== null) result = binding.userId === userId;
  else if (binding.groupUuid !== null) result = groups.has(binding.groupUuid);
  else result = binding.failureResult;
  return binding.negate ? !result : result;
}

function describeFailure(binding: PolicyBinding): string {
  const subject = binding.userId !== null ? 'user' : binding.groupUuid !== null ? 'group' : 'policy';
  return `Binding ${binding.uuid} (${subject}${binding.negate ? ', negated' : ''}) did not pass.`;
}
