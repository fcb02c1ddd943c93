import type { AppContext } from '../../context.ts';
import { assertThat, notFound, uniqueViolation, validationFailed } from '../../http/api-error.ts';
import {
  findKubernetesConnection,
  insertKubernetesConnection,
  type KubernetesConnection,
  type KubernetesConnectionFields,
  updateKubernetesConnection,
} from './connections-repository.ts';
import { KubeconfigError, kubeconfigAccess } from './kubeconfig.ts';

/** A connection as the API writes it (every field optional for PATCH). */
export interface KubernetesConnectionInput {
  name?: string;
  local?: boolean;
  kubeconfig?: Record<string, unknown>;
  verify_ssl?: boolean;
}

/**
 * Checks a whole connection (controllers.md §3.4): an empty kubeconfig only for a local connection; any other
 * kubeconfig must be usable at its current context, else a 400 naming what is wrong.
 */
export function kubeconfigProblems(fields: KubernetesConnectionFields): string[] {
  if (Object.keys(fields.kubeconfig).length === 0) {
    return fields.local ? [] : ['You can only use an empty kubeconfig when connecting to a local cluster.'];
  }
  try {
    kubeconfigAccess(fields.kubeconfig, fields.verifySsl);
    return [];
  } catch (error) {
    if (error instanceof KubeconfigError) return [`Invalid kubeconfig: ${error.problems.join(' ')}`];
    throw error;
  }
}

function merged(
  input: KubernetesConnectionInput,
  existing?: KubernetesConnection,
): KubernetesConnectionFields {
  const fields = {
    name: input.name ?? existing?.name ?? '',
    local: input.local ?? existing?.local ?? false,
    kubeconfig: input.kubeconfig ?? existing?.kubeconfig ?? {},
    verifySsl: input.verify_ssl ?? existing?.verifySsl ?? true,
  };
  const problems = kubeconfigProblems(fields);
  assertThat(problems.length === 0, () => validationFailed({ kubeconfig: problems }));
  return fields;
}

function duplicate(error: unknown): never {
  if (uniqueViolation(error))
    throw validationFailed({ name: ['A service connection with this name already exists.'] }, 'unique');
  throw error;
}

/** Creates a Kubernetes connection after checking it. */
export async function createKubernetesConnection(
  ctx: AppContext,
  input: KubernetesConnectionInput,
): Promise<KubernetesConnection> {
  const fields = merged(input);
  return ctx.db.transaction((tx) => insertKubernetesConnection(tx, ctx.box, fields)).catch(duplicate);
}

/** Changes a Kubernetes connection (PUT or PATCH) after checking the result. */
export async function changeKubernetesConnection(
  ctx: AppContext,
  uuid: string,
  input: KubernetesConnectionInput,
): Promise<KubernetesConnection> {
  return ctx.db
    .transaction(async (tx) => {
      const existing = await findKubernetesConnection(tx, ctx.box, uuid);
      assertThat(existing, notFound);
      const fields = merged(input, existing);
      await updateKubernetesConnection(tx, ctx.box, uuid, fields);
      return { uuid, ...fields };
    })
    .catch(duplicate);
}
