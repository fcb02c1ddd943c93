import type { Queryable } from '../../db/database.ts';
import type { OutpostConfig } from '../../outposts/config.ts';
import {
  DOCKER_UUID_LABEL,
  OUTPOST_PORTS,
  outpostEnvironment,
  outpostImage,
  outpostObjectName,
  outpostUuidHex,
  percentFormat,
  slugify,
} from '../../outposts/deployment-spec.ts';
import type { Outpost } from '../../outposts/outposts-repository.ts';

/** The restart policy every outpost container has (controllers.md §4). */
export const RESTART_POLICY = 'unless-stopped';

/** The container an outpost should have: what create sends and what drift detection compares. */
export interface ContainerSpec {
  name: string;
  image: string;
  /** `KEY=value`, in a stable order. */
  env: string[];
  labels: Record<string, string>;
  /** Container port (`9000/tcp`) -> host port, empty when ports are not mapped. */
  ports: Record<string, string>;
  /** Ports the image serves, published or not (for `ExposedPorts`). */
  exposed: string[];
  /** `docker_network`, or null for the daemon's default bridge. */
  network: string | null;
  /** Docker's Healthcheck object (not compared: changing it alone re-creates nothing, as the reference). */
  healthcheck: DockerHealthcheck;
}

/** Docker's container Healthcheck (durations in nanoseconds; an empty Test inherits the image's command). */
export interface DockerHealthcheck {
  Test: string[];
  Interval: number;
  Retries: number;
  StartPeriod: number;
}

// Docker health-check timings (nanoseconds), as the reference's controller sets them.
const SECOND_NS = 1_000_000_000;

/**
 * The health check of an outpost container: the image's own HEALTHCHECK command (an empty Test inherits it),
 * on the reference's timings. Inheriting rather than naming a binary avoids issue #25485, where the
 * controller named a command the image did not have and every container stayed unhealthy.
 */
export const HEALTHCHECK: DockerHealthcheck = {
  Test: [],
  Interval: 5 * SECOND_NS,
  Retries: 20,
  StartPeriod: 3 * SECOND_NS,
};

/** The Traefik labels of a proxy outpost (seed 001), N being the container name. */
export function traefikLabels(name: string, externalHosts: readonly string[]): Record<string, string> {
  const hosts = externalHosts.map((h) => `Host(\`${h}\`)`).join(' || ');
  return {
    'traefik.enable': 'true',
    [`traefik.http.routers.${name}-router.rule`]: `(${hosts}) && PathPrefix(\`/outpost.goauthentik.io\`)`,
    [`traefik.http.routers.${name}-router.tls`]: 'true',
    [`traefik.http.routers.${name}-router.service`]: `${name}-service`,
    [`traefik.http.services.${name}-service.loadbalancer.healthcheck.path`]: '/outpost.goauthentik.io/ping',
    [`traefik.http.services.${name}-service.loadbalancer.healthcheck.port`]: '9300',
    [`traefik.http.services.${name}-service.loadbalancer.server.port`]: '9000',
  };
}

/** The host[:port] of each proxy provider the outpost serves (the Traefik router's hosts). */
export async function proxyExternalHosts(db: Queryable, outpostUuid: string): Promise<string[]> {
  const rows = await db.query<{ external_host: string }>(
    `SELECT x.external_host FROM proxy_providers x
     JOIN outpost_providers op ON op.provider_id = x.provider_id
     WHERE op.outpost_uuid = $1 ORDER BY x.provider_id`,
    [outpostUuid],
  );
  return rows.flatMap((r) => (URL.canParse(r.external_host) ? [new URL(r.external_host).host] : []));
}

/**
 * The Docker container name (controllers.md §4): the naming template over the slugified name and uuid hex,
 * lower-cased; the shared object-name rules keep it a valid Docker name.
 */
export function containerName(outpost: Pick<Outpost, 'uuid' | 'name'>, config: OutpostConfig): string {
  const raw = percentFormat(config.object_naming_template, {
    name: slugify(outpost.name),
    uuid: outpostUuidHex(outpost.uuid),
  }).toLowerCase();
  return /^[a-z0-9][a-z0-9_.-]*$/.test(raw) ? raw : outpostObjectName(outpost, config);
}

/** Everything the desired container is made of. */
export interface ContainerSpecInput {
  outpost: Pick<Outpost, 'uuid' | 'name' | 'type'>;
  config: OutpostConfig;
  tokenKey: string;
  version: string;
  imageBase: string;
  /** For proxy outposts: the external hosts of their providers. */
  externalHosts: readonly string[];
  /** Health-check timings other than the reference's (tests shorten them). */
  healthcheck?: Partial<DockerHealthcheck>;
}

/** The container an outpost should have (controllers.md §4: name, image, env, labels, ports, network). */
export function containerSpec(input: ContainerSpecInput): ContainerSpec {
  const { outpost, config } = input;
  const name = containerName(outpost, config);
  const environment = outpostEnvironment(config, input.tokenKey);
  environment.AUTHENTIK_HOST = environment.AUTHENTIK_HOST?.toLowerCase() ?? '';
  const labels: Record<string, string> = {
    [DOCKER_UUID_LABEL]: outpostUuidHex(outpost.uuid),
    ...Object.fromEntries(Object.entries(config.docker_labels ?? {}).map(([k, v]) => [k, String(v)])),
    ...(outpost.type === 'proxy' ? traefikLabels(name, input.externalHosts) : {}),
  };
  const ports = OUTPOST_PORTS[outpost.type];
  return {
    name,
    image: outpostImage(outpost, config, input.version, input.imageBase),
    env: Object.entries(environment).map(([k, v]) => `${k}=${v}`),
    labels,
    exposed: ports.map((p) => `${p.innerPort}/${p.protocol}`),
    ports: config.docker_map_ports
      ? Object.fromEntries(ports.map((p) => [`${p.innerPort}/${p.protocol}`, String(p.port)]))
      : {},
    network: config.docker_network ?? null,
    healthcheck: { ...HEALTHCHECK, ...input.healthcheck },
  };
}

/** What a standby container's name ends with (docs/integrations/docker.md, "Token rotation"). */
export const STANDBY_SUFFIX = '-rollover';

/**
 * The standby container of a roll: the spec under `<name>-rollover`, with the same labels (a Traefik router
 * balances over both) and published ports shifted by `portOffset`, since the current container holds the
 * spec's. With `docker_network: host` nothing is published, so the proxy outpost listens on shifted ports.
 */
export function standbySpec(spec: ContainerSpec, portOffset: number): ContainerSpec {
  const shift = (port: number | string) => String(Number(port) + portOffset);
  const listen =
    spec.network === 'host'
      ? [
          `AUTHENTIK_LISTEN__HTTP=0.0.0.0:${shift(9000)}`,
          `AUTHENTIK_LISTEN__HTTPS=0.0.0.0:${shift(9443)}`,
          `AUTHENTIK_LISTEN__METRICS=0.0.0.0:${shift(9300)}`,
        ]
      : [];
  return {
    ...spec,
    name: `${spec.name}${STANDBY_SUFFIX}`,
    env: [...spec.env, ...listen],
    ports: Object.fromEntries(Object.entries(spec.ports).map(([inner, host]) => [inner, shift(host)])),
  };
}

/** The body of `POST /containers/create` for a spec. */
export function createOptions(spec: ContainerSpec) {
  return {
    name: spec.name,
    Image: spec.image,
    Env: spec.env,
    Labels: spec.labels,
    ExposedPorts: Object.fromEntries(spec.exposed.map((p) => [p, {}])),
    Healthcheck: spec.healthcheck,
    HostConfig: {
      RestartPolicy: { Name: RESTART_POLICY },
      PortBindings: Object.fromEntries(
        Object.entries(spec.ports).map(([p, host]) => [p, [{ HostPort: host }]]),
      ),
      ...(spec.network ? { NetworkMode: spec.network } : {}),
    },
    // On a network of the admin's, the outpost's name is an alias its standby shares during a roll, so a
    // proxy in that network resolving the name reaches whichever answers.
    ...(spec.network && !BUILTIN_NETWORKS.has(spec.network)
      ? {
          NetworkingConfig: {
            EndpointsConfig: { [spec.network]: { Aliases: [serviceName(spec.name)] } },
          },
        }
      : {}),
  };
}

// A standby's name without its suffix: the name both containers answer to.
const serviceName = (name: string) =>
  name.endsWith(STANDBY_SUFFIX) ? name.slice(0, -STANDBY_SUFFIX.length) : name;

// Docker's own networks, which take no aliases.
const BUILTIN_NETWORKS = new Set(['bridge', 'host', 'none', 'default']);
