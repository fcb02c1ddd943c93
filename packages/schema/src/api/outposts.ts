import { type TLiteral, type TSchema, type TUnion, Type } from '@sinclair/typebox';
import { DateTime, Nullable } from './common.ts';
import { ldapSettings } from './ldap-providers.ts';
import { Provider } from './providers.ts';
import { ServiceConnection } from './service-connections.ts';

/** The contract's OutpostTypeEnum. */
export const OUTPOST_TYPES = ['proxy', 'ldap', 'radius', 'rac'] as const;
/** One of OUTPOST_TYPES. */
export type OutpostType = (typeof OUTPOST_TYPES)[number];

/** A union of string literals that keeps the literal types (Type.Union over a mapped array would not). */
function literals<const T extends readonly string[]>(values: T) {
  return Type.Union(values.map((v) => Type.Literal(v))) as unknown as TUnion<{
    -readonly [K in keyof T]: TLiteral<T[K]>;
  }>;
}

/** The contract's OutpostTypeEnum as a schema. */
export const OutpostTypeEnum = literals(OUTPOST_TYPES);

/**
 * The Kubernetes integration's reconciler names (controllers.md §5.1, §5.4): the values
 * `kubernetes_disabled_components` may hold and the keys of `kubernetes_json_patches`.
 */
export const KUBERNETES_COMPONENTS = [
  'secret',
  'deployment',
  'service',
  'service-metrics',
  'prometheus servicemonitor',
  'ingress',
  'traefik middleware',
  'httproute',
] as const;
/** One of KUBERNETES_COMPONENTS. */
export type KubernetesComponent = (typeof KUBERNETES_COMPONENTS)[number];

/** Log levels an outpost accepts (seed 000: trace, debug, info, warning, error). */
export const OUTPOST_LOG_LEVELS = ['trace', 'debug', 'info', 'warning', 'error'] as const;

const StringMap = Type.Record(Type.String(), Type.String());

/** One RFC 6902 operation; `value` for add/replace/test, `from` for move/copy. */
export const JsonPatchOperation = Type.Union([
  Type.Object(
    { op: literals(['add', 'replace', 'test']), path: Type.String(), value: Type.Unknown() },
    { additionalProperties: false },
  ),
  Type.Object({ op: Type.Literal('remove'), path: Type.String() }, { additionalProperties: false }),
  Type.Object(
    { op: literals(['move', 'copy']), path: Type.String(), from: Type.String() },
    { additionalProperties: false },
  ),
]);

/** A Gateway API parentRef of the generated HTTPRoute. */
const ParentRef = Type.Object(
  {
    name: Type.String({ minLength: 1 }),
    namespace: Type.Optional(Type.String()),
    sectionName: Type.Optional(Type.String()),
    port: Type.Optional(Type.Integer({ minimum: 1, maximum: 65535 })),
    kind: Type.Optional(Type.String()),
    group: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
);

/** A config key's schema, with the phrase its validation message uses ("kubernetes_replicas: must be …"). */
function key<T extends TSchema>(schema: T, expected: string, description: string): T {
  return { ...schema, expected, description };
}

/**
 * OutpostConfig: every key of seed 000 / controllers.md §1.2. The defaults that depend on the running core
 * (log_level, kubernetes_namespace) are filled in by the core; the ones here are fixed. Unknown keys are
 * dropped, as the reference ignores them.
 */
export const OutpostConfig = Type.Object({
  log_level: key(
    literals(OUTPOST_LOG_LEVELS),
    `one of ${OUTPOST_LOG_LEVELS.join(', ')}`,
    'Outpost log level.',
  ),
  authentik_host: key(
    Type.Union([Type.Literal(''), Type.String({ pattern: '^https?://[^\\s/?#]+' })]),
    'an http(s) URL or empty',
    'URL the outpost uses to reach the core.',
  ),
  authentik_host_insecure: key(Type.Boolean(), 'a boolean', 'Skip TLS verification outpost to core.'),
  authentik_host_browser: key(
    Type.Union([Type.Literal(''), Type.String({ pattern: '^https?://[^\\s/?#]+' })]),
    'an http(s) URL or empty',
    'Public URL for browser redirects, when it differs from authentik_host.',
  ),
  object_naming_template: key(
    Type.String({ maxLength: 200 }),
    'a string',
    'Name of created objects; %(name)s is the slugified outpost name, %(uuid)s its uuid hex.',
  ),
  refresh_interval: key(
    Type.String({ minLength: 1, maxLength: 100 }),
    'a duration like hours=1;minutes=2;seconds=3',
    'How often the outpost re-fetches its configuration.',
  ),
  container_image: key(Nullable(Type.String({ minLength: 1 })), 'an image name or null', 'Image override.'),
  docker_network: key(Nullable(Type.String({ minLength: 1 })), 'a network name or null', 'Docker network.'),
  docker_map_ports: key(Type.Boolean(), 'a boolean', 'Publish the outpost ports on the Docker host.'),
  docker_labels: key(Nullable(StringMap), 'an object of strings or null', 'Extra container labels.'),
  kubernetes_replicas: key(Type.Integer({ minimum: 0 }), 'a non-negative integer', 'Deployment replicas.'),
  kubernetes_namespace: key(
    Type.String({ minLength: 1, maxLength: 63, pattern: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$' }),
    'a Kubernetes namespace name',
    'Namespace the objects go into.',
  ),
  kubernetes_ingress_annotations: key(StringMap, 'an object of strings', 'Annotations over the defaults.'),
  kubernetes_ingress_secret_name: key(Type.String(), 'a string', 'TLS secret of the Ingress; empty: no TLS.'),
  kubernetes_ingress_class_name: key(Nullable(Type.String()), 'a string or null', 'Ingress class.'),
  kubernetes_ingress_path_type: key(
    Nullable(literals(['Prefix', 'Exact', 'ImplementationSpecific'])),
    'Prefix, Exact, ImplementationSpecific or null',
    'Ingress pathType (null: Prefix).',
  ),
  kubernetes_httproute_annotations: key(StringMap, 'an object of strings', 'Annotations of the HTTPRoute.'),
  kubernetes_httproute_parent_refs: key(
    Type.Array(ParentRef),
    'a list of parentRef objects',
    'Gateways the HTTPRoute attaches to; empty: no HTTPRoute.',
  ),
  kubernetes_service_type: key(
    literals(['ClusterIP', 'NodePort', 'LoadBalancer', 'ExternalName']),
    'ClusterIP, NodePort, LoadBalancer or ExternalName',
    'Service type.',
  ),
  kubernetes_disabled_components: key(
    Type.Array(literals(KUBERNETES_COMPONENTS), { uniqueItems: true }),
    `a list of: ${KUBERNETES_COMPONENTS.join(', ')}`,
    'Reconcilers to skip.',
  ),
  kubernetes_image_pull_secrets: key(
    Type.Array(Type.String({ minLength: 1 })),
    'a list of names',
    'Pull secrets.',
  ),
  kubernetes_json_patches: key(
    Nullable(
      Type.Partial(
        Type.Object(
          Object.fromEntries(KUBERNETES_COMPONENTS.map((c) => [c, Type.Array(JsonPatchOperation)])),
        ),
        { additionalProperties: false },
      ),
    ),
    'null or an object mapping a component name to a list of RFC 6902 operations',
    'RFC 6902 patches applied to generated objects, keyed by component.',
  ),
  kubernetes_disable_x509_strict: key(
    Type.Boolean(),
    'a boolean',
    'Relax strict X.509 checks of old cluster CAs.',
  ),
});

/** The contract's Outpost. */
export const Outpost = Type.Object({
  pk: Type.String({ format: 'uuid' }),
  name: Type.String(),
  type: OutpostTypeEnum,
  providers: Type.Array(Type.Integer()),
  providers_obj: Type.Array(Provider),
  service_connection: Nullable(Type.String({ format: 'uuid' })),
  /** The integration the core deploys this outpost through (null: deployed by hand). */
  service_connection_obj: Nullable(ServiceConnection),
  refresh_interval_s: Type.Integer(),
  token_identifier: Type.String(),
  config: Type.Record(Type.String(), Type.Unknown()),
  managed: Nullable(Type.String()),
});

const outpostWritable = {
  name: Type.String({ minLength: 1, maxLength: 250 }),
  type: OutpostTypeEnum,
  providers: Type.Array(Type.Integer({ minimum: 1, maximum: 2147483647 }), { maxItems: 1000 }),
  service_connection: Nullable(Type.String({ format: 'uuid' })),
  config: Type.Record(Type.String(), Type.Unknown()),
  managed: Nullable(Type.String({ minLength: 1, maxLength: 200 })),
};

/** The contract's OutpostRequest. */
export const OutpostRequest = Type.Object(
  {
    name: outpostWritable.name,
    type: outpostWritable.type,
    providers: outpostWritable.providers,
    config: outpostWritable.config,
    service_connection: Type.Optional(outpostWritable.service_connection),
    managed: Type.Optional(outpostWritable.managed),
  },
  { additionalProperties: false },
);

/** The contract's PatchedOutpostRequest. */
export const PatchedOutpostRequest = Type.Partial(Type.Object(outpostWritable), {
  additionalProperties: false,
});

/** The contract's OutpostHealth: one live instance of an outpost. */
export const OutpostHealth = Type.Object({
  uid: Type.String(),
  last_seen: DateTime,
  version: Type.String(),
  version_should: Type.String(),
  version_outdated: Type.Boolean(),
  build_hash: Type.String(),
  build_hash_should: Type.String(),
  golang_version: Type.String(),
  openssl_enabled: Type.Boolean(),
  openssl_version: Type.String(),
  fips_enabled: Nullable(Type.Boolean()),
  hostname: Type.String(),
});

/** The contract's OutpostDefaultConfig. */
export const OutpostDefaultConfig = Type.Object({ config: Type.Record(Type.String(), Type.Unknown()) });

/** The manual-deployment formats of `GET /outposts/instances/{uuid}/manifest/` (a Palisade extension). */
export const ManifestFormat = literals(['compose', 'kubernetes']);

/**
 * The answer of the manifest view: the document, the environment an outpost needs, and what the administrator
 * must still do before it runs (an AUTHENTIK_HOST left as a placeholder).
 */
export const OutpostManifest = Type.Object({
  format: ManifestFormat,
  environment: Type.Record(Type.String(), Type.String()),
  manifest: Type.String(),
  warnings: Type.Array(Type.String()),
});

/**
 * The contract's LDAPOutpostConfig: an LDAP provider as its outpost reads it. Every field is always sent:
 * the reference outpost dereferences base_dn, search_mode and bind_mode without a check.
 */
export const LDAPOutpostConfig = Type.Object({
  pk: Type.Integer(),
  name: Type.String(),
  bind_flow_slug: Type.String(),
  unbind_flow_slug: Nullable(Type.String()),
  application_slug: Type.String(),
  ...ldapSettings,
});

/**
 * The contract's RadiusOutpostConfig: a RADIUS provider as its outpost reads it, every field always sent:
 * `client_networks` is a comma-separated list of CIDRs that always parses (the reference outpost
 * dereferences a network it failed to parse), `shared_secret` is in clear.
 */
export const RadiusOutpostConfig = Type.Object({
  pk: Type.Integer(),
  name: Type.String(),
  application_slug: Type.String(),
  auth_flow_slug: Type.String(),
  client_networks: Type.String(),
  shared_secret: Type.String(),
  mfa_support: Type.Boolean(),
  certificate: Nullable(Type.String({ format: 'uuid' })),
  /** Palisade: seconds a repeated PAP request may be answered from a cached Accept (0: off). */
  auth_cache_seconds: Type.Integer({ minimum: 0 }),
});
