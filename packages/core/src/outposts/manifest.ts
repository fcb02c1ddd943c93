import { isLoopbackUrl } from '@palisade/schema/loopback';
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

/**
 * What a manual deployment carries as AUTHENTIK_HOST when the outpost's `authentik_host` cannot be used: it is
 * not a URL, so an outpost started with it stops at once naming AUTHENTIK_HOST, rather than dialing nowhere.
 */
export const AUTHENTIK_HOST_PLACEHOLDER = "<set me: the core's URL as this outpost reaches it>";

/** What the token is shown as in a manifest asked for without it (the console until "Show token"). */
export const MASKED_TOKEN = '••••••••';

/**
 * The AUTHENTIK_HOST of a manual deployment: the outpost's `authentik_host`, unless that is empty or a loopback
 * address (inside a container or a pod loopback is the outpost itself), which become the placeholder and a
 * warning telling the administrator what to set.
 */
export function manifestHost(config: OutpostConfig): { host: string; warnings: string[] } {
  const host = config.authentik_host.trim();
  if (host && !isLoopbackUrl(host)) return { host, warnings: [] };
  const why = host ? `is ${host}, a loopback address (inside a container, the container itself)` : 'is empty';
  return {
    host: AUTHENTIK_HOST_PLACEHOLDER,
    warnings: [
      `The outpost's authentik_host ${why}: AUTHENTIK_HOST is a placeholder. Set authentik_host (the outpost's Advanced settings) to the core's URL as the outpost reaches it, or replace the placeholder before deploying.`,
    ],
  };
}

/**
 * The manual deployment of an outpost in `format`, with the environment it carries and what the administrator
 * must still do (`warnings`). AUTHENTIK_HOST comes from manifestHost; a `tokenKey` of MASKED_TOKEN masks it.
 */
export function outpostManifest(
  input: ManifestInput,
  format: ManifestFormat,
): { format: ManifestFormat; environment: Record<string, string>; manifest: string; warnings: string[] } {
  const { host, warnings } = manifestHost(input.config);
  const deployed = { ...input, config: { ...input.config, authentik_host: host } };
  return {
    format,
    environment: outpostEnvironment(deployed.config, input.tokenKey),
    manifest: format === 'compose' ? composeManifest(deployed) : kubernetesManifest(deployed),
    warnings,
  };
}
