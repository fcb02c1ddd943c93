import { OUTPOST_PORTS, outpostImage } from '../../outposts/deployment-spec.ts';
import type { KubeObject } from './client.ts';
import { type BuildInput, buildBasics, OUTPOST_PATH, tokenDigest } from './build-input.ts';

/**
 * The objects that run an outpost (controllers.md §5.5): Secret, Deployment, Service, metrics Service,
 * ServiceMonitor. Each returns the objects of its component; an empty list means "nothing for this outpost".
 */

/** The port every outpost serves its metrics and ping on (unauthenticated, so kept off the data Service). */
export const METRICS_PORT = { name: 'http-metrics', port: 9300 } as const;

/** The pod-template annotation carrying the token digest. */
export const TOKEN_ANNOTATION = 'goauthentik.io/token-digest';

const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');

/** The Secret the Deployment reads its environment from (seed 003's keys). */
export function secretObjects(input: BuildInput): KubeObject[] {
  const { config } = input;
  return [
    {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: buildBasics(input).metadata(),
      type: 'Opaque',
      data: {
        authentik_host: b64(config.authentik_host),
        authentik_host_insecure: b64(String(config.authentik_host_insecure)),
        token: b64(input.tokenKey),
        authentik_host_browser: b64(config.authentik_host_browser),
      },
    },
  ];
}

/** The Deployment: replicas, image, env from the Secret, ports, probes on the ping path, pull secrets. */
export function deploymentObjects(input: BuildInput): KubeObject[] {
  const { outpost, config } = input;
  const { name, metadata, podLabels } = buildBasics(input);
  const version = metadata().labels['app.kubernetes.io/version'];
  const secretRef = (key: string) => ({ valueFrom: { secretKeyRef: { name, key } } });
  const probe = (initialDelaySeconds: number) => ({
    httpGet: { path: `${OUTPOST_PATH}/ping`, port: METRICS_PORT.name },
    initialDelaySeconds,
    periodSeconds: 10,
  });
  const ports = [
    ...OUTPOST_PORTS[outpost.type].map((p) => ({
      name: p.name,
      containerPort: p.innerPort,
      protocol: p.protocol.toUpperCase(),
    })),
    { name: METRICS_PORT.name, containerPort: METRICS_PORT.port, protocol: 'TCP' },
  ];
  return [
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: metadata(),
      spec: {
        replicas: config.kubernetes_replicas,
        selector: { matchLabels: podLabels },
        template: {
          metadata: {
            labels: { ...podLabels, 'app.kubernetes.io/version': version, app: 'authentik-outpost', version },
            annotations: { [TOKEN_ANNOTATION]: tokenDigest(input.tokenKey) },
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
                ports,
                env: [
                  { name: 'AUTHENTIK_HOST', ...secretRef('authentik_host') },
                  { name: 'AUTHENTIK_HOST_BROWSER', ...secretRef('authentik_host_browser') },
                  { name: 'AUTHENTIK_TOKEN', ...secretRef('token') },
                  { name: 'AUTHENTIK_INSECURE', ...secretRef('authentik_host_insecure') },
                ],
                readinessProbe: probe(0),
                livenessProbe: probe(5),
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
    },
  ];
}

/** The embedded outpost runs in the core's server pods (helm chart labels, controllers.md §8). */
const EMBEDDED_SELECTOR = { 'app.kubernetes.io/name': 'authentik', 'app.kubernetes.io/component': 'server' };

/** The data Service: the outpost's ports (http 9000, https 9443 for proxy), of kubernetes_service_type. */
export function serviceObjects(input: BuildInput): KubeObject[] {
  const { outpost, config } = input;
  const ports = OUTPOST_PORTS[outpost.type];
  if (ports.length === 0) return [];
  const { metadata, podLabels } = buildBasics(input);
  return [
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: metadata(),
      spec: {
        type: config.kubernetes_service_type,
        selector: outpost.managed === 'goauthentik.io/outposts/embedded' ? EMBEDDED_SELECTOR : podLabels,
        ports: ports.map((p) => ({
          name: p.name,
          port: p.port,
          protocol: p.protocol.toUpperCase(),
          targetPort: p.innerPort,
        })),
      },
    },
  ];
}

/** The metrics Service's name: the object name with `-metrics`, kept a 63-character DNS label. */
export const metricsServiceName = (name: string) => `${name.slice(0, 55).replace(/-+$/, '')}-metrics`;

/** A ClusterIP Service for the metrics port only, so a LoadBalancer data Service never exposes it. */
export function metricsServiceObjects(input: BuildInput): KubeObject[] {
  const { name, metadata, podLabels } = buildBasics(input);
  return [
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: metadata(metricsServiceName(name)),
      spec: {
        type: 'ClusterIP',
        selector: podLabels,
        ports: [
          {
            name: METRICS_PORT.name,
            port: METRICS_PORT.port,
            protocol: 'TCP',
            targetPort: METRICS_PORT.port,
          },
        ],
      },
    },
  ];
}

/** The ServiceMonitor scraping the metrics Service, when the prometheus-operator CRD is served. */
export function serviceMonitorObjects(input: BuildInput): KubeObject[] {
  if (!input.capabilities.serviceMonitor) return [];
  const { metadata } = buildBasics(input);
  return [
    {
      apiVersion: 'monitoring.coreos.com/v1',
      kind: 'ServiceMonitor',
      metadata: metadata(),
      spec: {
        endpoints: [{ port: METRICS_PORT.name, path: '/metrics' }],
        selector: { matchLabels: metadata().labels },
      },
    },
  ];
}
