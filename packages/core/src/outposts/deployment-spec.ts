import type { OutpostType } from '@palisade/schema';
import type { OutpostConfig } from './config.ts';
import type { Outpost } from './outposts-repository.ts';

/**
 * The facts about running an outpost that manual deployment and the Docker and Kubernetes controllers share
 * (controllers.md §1.3, §4, §5.3): object names, labels, ports, image and environment.
 */

/**
 * The default image template (controllers.md §1.3; `%(type)s` and `%(version)s` are filled in): Palisade's own
 * outpost image, which packages/outpost/Dockerfile builds and .github/workflows/outpost-image.yml publishes.
 * One image serves every type: the program takes its mode from the outpost's type (docs/outposts.md).
 */
export const DEFAULT_CONTAINER_IMAGE_BASE = 'ghcr.io/palisade/outpost:%(version)s';

/** A port an outpost serves: the host/Service `port`, the container's `innerPort`. */
export interface DeploymentPort {
  name: string;
  port: number;
  innerPort: number;
  protocol: 'tcp' | 'udp';
}

/**
 * Ports per type (controllers.md §4): the metrics port 9300 is never published, as it has no authentication.
 * LDAP listens on unprivileged 3389/6636 inside the container.
 */
export const OUTPOST_PORTS: Record<OutpostType, DeploymentPort[]> = {
  proxy: [
    { name: 'http', port: 9000, innerPort: 9000, protocol: 'tcp' },
    { name: 'https', port: 9443, innerPort: 9443, protocol: 'tcp' },
  ],
  ldap: [
    { name: 'ldap', port: 389, innerPort: 3389, protocol: 'tcp' },
    { name: 'ldaps', port: 636, innerPort: 6636, protocol: 'tcp' },
  ],
  radius: [{ name: 'radius', port: 1812, innerPort: 1812, protocol: 'udp' }],
  rac: [],
};

/** Django's slugify: ASCII, lower case, word characters and hyphens, runs of space/hyphen as one hyphen. */
export function slugify(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/[^\p{ASCII}]/gu, '')
    .toLowerCase()
    .replace(/[^\w\s-]/g, '')
    .replace(/[-\s]+/g, '-')
    .replace(/^[-_]+|[-_]+$/g, '');
}

/** Fills a Python %-template's `%(key)s` placeholders (and `%%`). */
export function percentFormat(template: string, values: Record<string, string>): string {
  return template.replace(/%(?:\((\w+)\)s|%)/g, (whole, key: string | undefined) =>
    key === undefined ? '%' : (values[key] ?? whole),
  );
}

const hex = (uuid: string) => uuid.replaceAll('-', '').toLowerCase();

/**
 * The name of every object made for an outpost (controllers.md §5.3): the naming template over the slugified
 * name and the uuid hex, made a DNS-1123 label of at most 63 characters; `outpost-<hex>` when nothing is left.
 */
export function outpostObjectName(outpost: Pick<Outpost, 'uuid' | 'name'>, config: OutpostConfig): string {
  const raw = percentFormat(config.object_naming_template, {
    name: slugify(outpost.name),
    uuid: hex(outpost.uuid),
  }).toLowerCase();
  const name = slugify(raw)
    .replace(/[^a-z0-9-]/g, '-')
    .replace(/-+/g, '-')
    .slice(0, 63)
    .replace(/^-+|-+$/g, '');
  return name || `outpost-${hex(outpost.uuid)}`.slice(0, 63);
}

/** The image to run: `container_image` when set, else the template with the outpost's type and the version. */
export function outpostImage(
  outpost: Pick<Outpost, 'type'>,
  config: OutpostConfig,
  version: string,
  base: string = DEFAULT_CONTAINER_IMAGE_BASE,
): string {
  return config.container_image ?? percentFormat(base, { type: outpost.type, version, build_hash: '' });
}

/**
 * The environment an outpost needs (controllers.md §4). AUTHENTIK_HOST is as configured here (the manual
 * deployment's); the Docker controller lower-cases it, as the reference does, before comparing.
 */
export function outpostEnvironment(config: OutpostConfig, tokenKey: string): Record<string, string> {
  return {
    AUTHENTIK_HOST: config.authentik_host,
    AUTHENTIK_INSECURE: String(config.authentik_host_insecure),
    AUTHENTIK_TOKEN: tokenKey,
    ...(config.authentik_host_browser ? { AUTHENTIK_HOST_BROWSER: config.authentik_host_browser } : {}),
  };
}

/** A Kubernetes label value of a version ("+" is not allowed there). */
export const versionLabel = (version: string) => version.replaceAll('+', '-');

/** Labels of every Kubernetes object of an outpost (controllers.md §5.3, seed 003). */
export function outpostObjectLabels(outpost: Pick<Outpost, 'uuid' | 'name' | 'type'>, version: string) {
  return {
    'app.kubernetes.io/instance': slugify(outpost.name),
    'app.kubernetes.io/managed-by': 'goauthentik.io',
    'app.kubernetes.io/name': `authentik-${outpost.type}`,
    'app.kubernetes.io/version': versionLabel(version),
    'goauthentik.io/outpost-name': slugify(outpost.name),
    'goauthentik.io/outpost-type': outpost.type,
    'goauthentik.io/outpost-uuid': hex(outpost.uuid),
  };
}

/** Labels that select an outpost's pods (the Deployment's selector and the Service's). */
export function outpostPodLabels(outpost: Pick<Outpost, 'uuid' | 'name' | 'type'>) {
  return {
    'app.kubernetes.io/name': `authentik-outpost-${outpost.type}`,
    'app.kubernetes.io/managed-by': 'goauthentik.io',
    'goauthentik.io/outpost-uuid': hex(outpost.uuid),
    'goauthentik.io/outpost-name': slugify(outpost.name),
    'goauthentik.io/outpost-type': outpost.type,
  };
}

/** The Docker label that marks a container as an outpost's. */
export const DOCKER_UUID_LABEL = 'io.goauthentik.outpost-uuid';

/** The outpost uuid as the Docker label carries it. */
export const outpostUuidHex = hex;
