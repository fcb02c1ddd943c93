import { readFileSync } from 'node:fs';
import type { Static, TSchema } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { OutpostConfig as OutpostConfigSchema } from '@palisade/schema';
import type { PalisadeConfig } from '../config/schema.ts';
import { parseValidity } from '../oauth2/validity.ts';

/** A complete outpost configuration: every OutpostConfig key with a valid value. */
export type OutpostConfig = Static<typeof OutpostConfigSchema>;

/** Where Kubernetes mounts the namespace of the pod the core runs in. */
const NAMESPACE_FILE = '/var/run/secrets/kubernetes.io/serviceaccount/namespace';

let runningNamespace: string | undefined;

/** The namespace the core itself runs in (controllers.md §1.2: the service-account file), else "default". */
export function defaultKubernetesNamespace(file = NAMESPACE_FILE): string {
  if (file === NAMESPACE_FILE && runningNamespace !== undefined) return runningNamespace;
  let namespace = 'default';
  try {
    namespace = readFileSync(file, 'utf8').trim() || 'default';
  } catch {
    // Not in a cluster: the reference falls back to "default" likewise.
  }
  if (file === NAMESPACE_FILE) runningNamespace = namespace;
  return namespace;
}

/** The core's log level in the outpost's vocabulary (trace, debug, info, warning, error). */
function outpostLogLevel(level: PalisadeConfig['log_level']): OutpostConfig['log_level'] {
  if (level === 'warn') return 'warning';
  if (level === 'fatal' || level === 'silent') return 'error';
  return level as OutpostConfig['log_level'];
}

/** Every key with its default (seed 000, controllers.md §1.2); `authentik_host` is empty as in the reference. */
export function defaultOutpostConfig(core: Pick<PalisadeConfig, 'log_level'>): OutpostConfig {
  return {
    log_level: outpostLogLevel(core.log_level),
    authentik_host: '',
    authentik_host_insecure: false,
    authentik_host_browser: '',
    object_naming_template: 'ak-outpost-%(name)s',
    refresh_interval: 'minutes=5',
    container_image: null,
    docker_network: null,
    docker_map_ports: true,
    docker_labels: null,
    kubernetes_replicas: 1,
    kubernetes_namespace: defaultKubernetesNamespace(),
    kubernetes_ingress_annotations: {},
    kubernetes_ingress_secret_name: 'authentik-outpost-tls',
    kubernetes_ingress_class_name: null,
    kubernetes_ingress_path_type: null,
    kubernetes_httproute_annotations: {},
    kubernetes_httproute_parent_refs: [],
    kubernetes_service_type: 'ClusterIP',
    kubernetes_disabled_components: [],
    kubernetes_image_pull_secrets: [],
    kubernetes_json_patches: null,
    kubernetes_disable_x509_strict: false,
  };
}

/** The outcome of reading a config object: the full config, or one message per bad key. */
export type ConfigResult = { config: OutpostConfig; problems?: undefined } | { problems: string[] };

const KEYS = OutpostConfigSchema.properties as unknown as Record<
  keyof OutpostConfig,
  TSchema & { expected: string }
>;

/** Takes every known, well-typed key of `input` over `base`; bad keys keep `base`'s value and are reported. */
function mergeKeys(input: Record<string, unknown>, base: OutpostConfig) {
  const config = { ...base } as Record<string, unknown>;
  const problems: string[] = [];
  for (const [name, schema] of Object.entries(KEYS)) {
    if (!(name in input)) continue;
    let value = input[name];
    // The seed's YAML leaves authentik_host_browser blank, which reads as null: it means "none".
    if (name === 'authentik_host_browser' && value === null) value = '';
    if (!Value.Check(schema, value)) problems.push(`${name}: must be ${schema.expected}`);
    else if (name === 'refresh_interval' && validityProblem(value as string))
      problems.push(`refresh_interval: ${validityProblem(value as string)}`);
    else config[name] = value;
  }
  return { config: config as OutpostConfig, problems };
}

function validityProblem(text: string): string | undefined {
  try {
    parseValidity(text);
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

/**
 * Reads a config object as an admin sent it: missing keys take their value from `base` (the stored config on
 * update, the defaults on create), unknown keys are dropped (the reference ignores them, so configs written
 * for it keep working), and a key of the wrong type is a problem naming the key.
 */
export function parseOutpostConfig(input: Record<string, unknown>, base: OutpostConfig): ConfigResult {
  const { config, problems } = mergeKeys(input, base);
  return problems.length ? { problems } : { config };
}

/** Reads a stored config over today's defaults; a key broken by hand in the database keeps its default. */
export function storedOutpostConfig(stored: Record<string, unknown>, defaults: OutpostConfig): OutpostConfig {
  return mergeKeys(stored, defaults).config;
}

/** The config's refresh interval in seconds (the API's `refresh_interval_s`). */
export function refreshIntervalSeconds(config: OutpostConfig): number {
  return parseValidity(config.refresh_interval);
}
