import type { AppContext } from '../context.ts';
import { queryOne } from '../db/database.ts';

/** The client (client_id) a pending sign-in interaction belongs to, or undefined when unknown or expired. */
export async function interactionClient(ctx: AppContext, uid: string): Promise<string | undefined> {
  const row = await queryOne<{ client: string }>(
    ctx.db,
    `SELECT payload->'params'->>'client_id' AS client FROM oidc_models
     WHERE model = 'Interaction' AND id = $1 AND (expires_at IS NULL OR expires_at > now())`,
    [uid],
  );
  return row?.client;
}
