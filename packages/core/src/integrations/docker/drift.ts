import { type ContainerSpec, RESTART_POLICY } from './container-spec.ts';

/** The parts of `GET /containers/{id}/json` that drift detection reads. */
export interface InspectedContainer {
  Id: string;
  Name: string;
  Config: { Image: string; Env?: string[] | null; Labels?: Record<string, string> | null };
  HostConfig: {
    NetworkMode?: string;
    RestartPolicy?: { Name?: string };
    PortBindings?: Record<string, Array<{ HostIp?: string; HostPort?: string }> | null> | null;
  };
  State: { Running: boolean; Status: string; Health?: { Status: string } };
}

// The names Docker gives the default bridge when a container is created without a network.
const DEFAULT_NETWORKS = new Set(['', 'default', 'bridge']);

/**
 * Why a container no longer matches its spec, in the reference's words (controllers.md §4), empty when it
 * matches. Beyond the reference: the network is compared; an AUTHENTIK_* variable the spec no longer has
 * counts (a cleared authentik_host_browser); published ports count when mapping was turned off.
 */
export function driftReasons(container: InspectedContainer, spec: ContainerSpec): string[] {
  const reasons: string[] = [];
  if (container.Config.Image !== spec.image) reasons.push('Container has mismatched image, re-creating...');
  const bindings = container.HostConfig.PortBindings ?? {};
  const published = Object.entries(bindings).filter(([, list]) => (list ?? []).length > 0);
  const portsMatch =
    published.length === Object.keys(spec.ports).length &&
    Object.entries(spec.ports).every(([port, host]) => (bindings[port] ?? []).at(-1)?.HostPort === host);
  if (!portsMatch) reasons.push('Container has mis-matched ports, re-creating...');
  const env = new Set(container.Config.Env ?? []);
  const wanted = new Set(spec.env);
  const keys = new Set(spec.env.map((e) => e.slice(0, e.indexOf('='))));
  const stale = [...env].some((e) => e.startsWith('AUTHENTIK_') && !keys.has(e.slice(0, e.indexOf('='))));
  if (stale || [...wanted].some((e) => !env.has(e)))
    reasons.push('Container has outdated config, re-creating...');
  const labels = container.Config.Labels ?? {};
  if (Object.entries(spec.labels).some(([k, v]) => labels[k] !== v))
    reasons.push('Container has outdated labels, re-creating...');
  const network = container.HostConfig.NetworkMode ?? '';
  if (spec.network ? network !== spec.network : !DEFAULT_NETWORKS.has(network))
    reasons.push('Container has mis-matched network, re-creating...');
  if (container.HostConfig.RestartPolicy?.Name !== RESTART_POLICY)
    reasons.push('Container has mis-matched restart policy, re-creating...');
  return reasons;
}
