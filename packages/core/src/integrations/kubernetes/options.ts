import type { AppContext } from '../../context.ts';
import { createKubeClient, type KubeClient } from './client.ts';
import { type ClusterAccess, defaultInClusterSource, type InClusterSource } from './kubeconfig.ts';

/**
 * Per-core settings of the Kubernetes integration that tests change: where the in-cluster service account is
 * read from, and how a client is made. Kept per AppContext (never global), set once before use.
 */
export interface KubernetesOptions {
  inCluster: InClusterSource;
  /** Builds the client for a cluster (tests may wrap it to watch the calls). */
  createClient: (access: ClusterAccess) => KubeClient;
}

const byContext = new WeakMap<AppContext, KubernetesOptions>();

/** The integration's options for this core (defaults unless configureKubernetes changed them). */
export function kubernetesOptions(ctx: AppContext): KubernetesOptions {
  let options = byContext.get(ctx);
  if (!options) {
    options = { inCluster: defaultInClusterSource(), createClient: createKubeClient };
    byContext.set(ctx, options);
  }
  return options;
}

/** Overrides some of the integration's options for this core. */
export function configureKubernetes(ctx: AppContext, options: Partial<KubernetesOptions>): void {
  byContext.set(ctx, { ...kubernetesOptions(ctx), ...options });
}
