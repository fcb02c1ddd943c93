import type { Static } from '@sinclair/typebox';
import type { UsedBy } from '@palisade/schema';
import type { Queryable } from '../db/database.ts';

type UsedByEntry = Static<typeof UsedBy>;

/**
 * What refers to a stage: the flow-stage bindings that run it (deleted with it) and other stages whose
 * settings name it (an identification's password stage, a validation stage's configuration stages), which
 * keep naming it: the admin has to change them.
 */
export async function usedByStage(db: Queryable, uuid: string): Promise<UsedByEntry[]> {
  const bindings = await db.query<{ uuid: string; slug: string; order: number }>(
    `SELECT b.uuid, f.slug, b."order" FROM flow_stage_bindings b JOIN flows f ON f.uuid = b.flow_uuid
     WHERE b.stage_uuid = $1 ORDER BY f.slug, b."order"`,
    [uuid],
  );
  // A stage's settings hold other stages' uuids as JSON strings, alone or in lists.
  const stages = await db.query<{ uuid: string; name: string }>(
    `SELECT s.uuid, s.name FROM stages s
     WHERE s.uuid <> $1 AND EXISTS (
       SELECT 1 FROM jsonb_each(s.config) AS c (key, value)
       WHERE c.value = to_jsonb($1::text) OR (jsonb_typeof(c.value) = 'array' AND c.value @> jsonb_build_array($1::text)))
     ORDER BY s.name`,
    [uuid],
  );
  return [
    ...bindings.map((b) => ({
      app: 'authentik_flows',
      model_name: 'flowstagebinding',
      pk: b.uuid,
      name: `${b.slug} #${b.order}`,
      action: 'cascade' as const,
    })),
    ...stages.map((s) => ({
      app: 'authentik_flows',
      model_name: 'stage',
      pk: s.uuid,
      name: s.name,
      action: 'left_dangling' as const,
    })),
  ];
}

/** What refers to a flow-stage binding: the policy bindings on it, deleted with it. */
export async function usedByStageBinding(db: Queryable, uuid: string): Promise<UsedByEntry[]> {
  const rows = await db.query<{ uuid: string; order: number }>(
    'SELECT uuid, "order" FROM policy_bindings WHERE target = $1 ORDER BY "order", uuid',
    [uuid],
  );
  return rows.map((r) => ({
    app: 'authentik_policies',
    model_name: 'policybinding',
    pk: r.uuid,
    name: `Policy binding #${r.order}`,
    action: 'cascade' as const,
  }));
}
