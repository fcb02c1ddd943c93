import { stringify } from 'yaml';
import type { OutpostConfig } from './config.ts';
import {
  DOCKER_UUID_LABEL,
  OUTPOST_PORTS,
  outpostEnvironment,
  outpostImage,
  outpostUuidHex,
} from './deployment-spec.ts';
import type { Outpost } from './outposts-repository.ts';
import {
  type ClusterCapabilities,
  NO_CAPABILITIES,
  type RoutedProvider,
} from '../integrations/kubernetes/build-input.ts';
import { manifestObjects } from '../integrations/kubernetes/components.ts';

/** What a manual deployment is built from. */
export interface ManifestInput {
  outpost: Pick<Outpost, 'uuid' | 'name' | 'type'> & { managed?: string | null };
  /** A proxy outpost's providers (their hosts become Ingress rules). */
  providers?: RoutedProvider[];
  /** Optional CRDs to render objects for (none by default). */
  capabilities?: ClusterCapabilities;
  config: OutpostConfig;
  tokenKey: string;
  version: string;
  imageBase?: string;
}

/** The formats `palisade outpost manifest` and the manifest view produce. */
export type ManifestFormat = 'compose' | 'kubernetes';

/**
 * A docker-compose file running the outpost (controllers.md §4 static deployment): service
 * `authentik_<type>`, the image, its ports (never 9300: metrics have no authentication), its environment.
 */
export function composeManifest(input: ManifestInput): string {
  const { outpost, config } = input;
  const ports = OUTPOST_PORTS[outpost.type].map((p) => `${p.port}:${p.innerPort}/${p.protocol}`);
  const service = {
    image: outpostImage(outpost, config, input.version, input.imageBase),
    restart: 'unless-stopped',
    ...(ports.length ? { ports } : {}),
    environment: outpostEnvironment(config, input.tokenKey),
    labels: { [DOCKER_UUID_LABEL]: outpostUuidHex(outpost.uuid), ...config.docker_labels },
  };
  return stringify(
    { version: '3.5', services: { [`authentik_${outpost.type}`]: service } },
    { aliasDuplicateObjects: false },
  );
}

/**
 * The Kubernetes objects of an outpost: what the Kubernetes controller applies (one builder,
 * integrations/kubernetes/components.ts), on a cluster without the optional CRDs unless `capabilities` says
 * otherwise — Secret, Deployment, Services, and for proxy outposts the Ingress of their providers' hosts.
 */
export function kubernetesObjects(input: ManifestInput): Array<Record<string, unknown>> {
  return manifestObjects({
    ...input,
    outpost: { managed: null, ...input.outpost },
    providers: input.providers ?? [],
    capabilities: input.capabilities ?? NO_CAPABILITIES,
  });
}

/** The objects of kubernetesObjects as one multi-document YAML. */
export function kubernetesManifest(input: ManifestInput): string {
  return kubernetesObjects(input)
    .map((o) => stringify(o, { aliasDuplicateObjects: false }))
    .join('---\n');
}

/** The manual deployment of an outpost in `format`, with the environment it carries. */
export function outpostManifest(
  input: ManifestInput,
  format: ManifestFormat,
): { format: ManifestFormat; environment: Record<string, string>; manifest: string } {
  return {
    format,
    environment: outpostEnvironment(input.config, input.tokenKey),
    manifest: format === 'compose' ? composeManifest(input) : kubernetesManifest(input),
  };
}
