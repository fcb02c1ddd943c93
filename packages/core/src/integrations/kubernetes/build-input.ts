import { createHash } from 'node:crypto';
import type { OutpostConfig } from '../../outposts/config.ts';
import { outpostObjectLabels, outpostObjectName, outpostPodLabels } from '../../outposts/deployment-spec.ts';
import type { Outpost } from '../../outposts/outposts-repository.ts';
import type { ProxyMode } from '../../proxy/providers-repository.ts';

/** A proxy provider as the routing objects need it. */
export interface RoutedProvider {
  externalHost: string;
  mode: ProxyMode;
}

/** What the cluster serves beyond the built-in kinds (found by discovery; a static manifest assumes none). */
export interface ClusterCapabilities {
  /** `traefik.io/v1alpha1` (Traefik 3), `traefik.containo.us/v1alpha1` (Traefik 2), or null: no Middleware CRD. */
  middlewareApiVersion: string | null;
  serviceMonitor: boolean;
  /** Gateway API HTTPRoute (and ReferenceGrant) served. */
  gatewayApi: boolean;
}

/** A cluster with none of the optional CRDs. */
export const NO_CAPABILITIES: ClusterCapabilities = {
  middlewareApiVersion: null,
  serviceMonitor: false,
  gatewayApi: false,
};

/** Everything the objects of one outpost are built from. */
export interface BuildInput {
  outpost: Pick<Outpost, 'uuid' | 'name' | 'type' | 'managed'>;
  config: OutpostConfig;
  tokenKey: string;
  version: string;
  imageBase?: string;
  /** The outpost's proxy providers (empty for other types). */
  providers: RoutedProvider[];
  capabilities: ClusterCapabilities;
}

/** Names, labels and namespace every builder shares. */
export function buildBasics(input: BuildInput) {
  const name = outpostObjectName(input.outpost, input.config);
  const namespace = input.config.kubernetes_namespace;
  return {
    name,
    namespace,
    metadata: (objectName = name) => ({
      name: objectName,
      namespace,
      labels: outpostObjectLabels(input.outpost, input.version),
    }),
    podLabels: outpostPodLabels(input.outpost),
  };
}

/** The host (without port) of a provider's external_host; undefined when it is not a URL. */
export function providerHost(externalHost: string): { host: string; https: boolean } | undefined {
  try {
    const url = new URL(externalHost);
    return { host: url.hostname, https: url.protocol === 'https:' };
  } catch {
    return undefined;
  }
}

/**
 * A short digest of the token key for the pod template: when the token changes, the template changes, so the
 * Deployment rolls its pods (env comes from the Secret and is read only at pod start).
 */
export const tokenDigest = (tokenKey: string) =>
  createHash('sha256').update(tokenKey).digest('hex').slice(0, 16);

/** The forward-auth path prefix the outpost serves (seed 002, 003). */
export const OUTPOST_PATH = '/outpost.goauthentik.io';

/** Whether a provider's mode is forward auth (only the outpost path is routed) rather than the full proxy. */
export const isForwardMode = (mode: ProxyMode) => mode !== 'proxy';
