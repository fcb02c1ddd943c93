import { stringify } from 'yaml';
import type { OutpostConfig } from './config.ts';
import {
  DOCKER_UUID_LABEL,
  OUTPOST_PORTS,
  outpostEnvironment,
  outpostImage,
  outpostObjectLabels,
  outpostObjectName,
  outpostPodLabels,
  outpostUuidHex,
  versionLabel,
} from './deployment-spec.ts';
import type { Outpost } from './outposts-repository.ts';

/** What a manual deployment is built from. */
export interface ManifestInput {
  outpost: Pick<Outpost, 'uuid' | 'name' | 'type'>;
  config: OutpostConfig;
  tokenKey: string;
  version: string;
  imageBase?: string;
}

/** The formats `palisade outpost manifest` and the manifest view produce. */
export type ManifestFormat = 'compose' | 'kubernetes';

const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');

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
 * The Kubernetes objects a manual deployment needs, in the shape of seed 003 and controllers.md §5.5: a
 * Secret (authentik_host, authentik_host_insecure, token), a Deployment reading its environment from that
 * Secret, and (unless the type serves no ports) a Service.
 */
export function kubernetesObjects(input: ManifestInput): Array<Record<string, unknown>> {
  const { outpost, config } = input;
  const name = outpostObjectName(outpost, config);
  const metadata = {
    name,
    namespace: config.kubernetes_namespace,
    labels: outpostObjectLabels(outpost, input.version),
  };
  const selector = outpostPodLabels(outpost);
  const ports = OUTPOST_PORTS[outpost.type];
  const secretRef = (key: string) => ({ valueFrom: { secretKeyRef: { name, key } } });
  const secret = {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata,
    type: 'Opaque',
    data: {
      authentik_host: b64(config.authentik_host),
      authentik_host_insecure: b64(String(config.authentik_host_insecure)),
      token: b64(input.tokenKey),
      authentik_host_browser: b64(config.authentik_host_browser),
    },
  };
  const deployment = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata,
    spec: {
      replicas: config.kubernetes_replicas,
      selector: { matchLabels: selector },
      template: {
        metadata: {
          labels: {
            ...selector,
            'app.kubernetes.io/version': versionLabel(input.version),
            app: 'authentik-outpost',
            version: versionLabel(input.version),
          },
        },
        spec: {
          securityContext: { seccompProfile: { type: 'RuntimeDefault' } },
          ...(config.kubernetes_image_pull_secrets.length
            ? { imagePullSecrets: config.kubernetes_image_pull_secrets.map((n) => ({ name: n })) }
            : {}),
          containers: [
            {
              name: outpost.type,
              image: outpostImage(outpost, config, input.version, input.imageBase),
              ports: ports.map((p) => ({
                name: p.name,
                containerPort: p.innerPort,
                protocol: p.protocol.toUpperCase(),
              })),
              env: [
                { name: 'AUTHENTIK_HOST', ...secretRef('authentik_host') },
                { name: 'AUTHENTIK_HOST_BROWSER', ...secretRef('authentik_host_browser') },
                { name: 'AUTHENTIK_TOKEN', ...secretRef('token') },
                { name: 'AUTHENTIK_INSECURE', ...secretRef('authentik_host_insecure') },
              ],
              securityContext: {
                runAsNonRoot: true,
                allowPrivilegeEscalation: false,
                capabilities: { drop: ['ALL'] },
              },
            },
          ],
        },
      },
    },
  };
  if (ports.length === 0) return [secret, deployment];
  const service = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata,
    spec: {
      type: config.kubernetes_service_type,
      selector,
      ports: ports.map((p) => ({
        name: p.name,
        port: p.port,
        protocol: p.protocol.toUpperCase(),
        targetPort: p.innerPort,
      })),
    },
  };
  return [secret, deployment, service];
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
