import type { Queryable } from '../db/database.ts';
import { dockerConnectionExists } from '../integrations/docker/kind.ts';

/**
 * Whether a uuid names a service connection of any kind, for the outposts API's `service_connection`.
 * Each kind adds its check here (Kubernetes at merge); outposts.service_connection has no foreign key as
 * the kinds live in their own tables (see 0009_docker.sql for the ON DELETE SET NULL trigger).
 */
export async function serviceConnectionExists(db: Queryable, uuid: string): Promise<boolean> {
  return dockerConnectionExists(db, uuid);
}
