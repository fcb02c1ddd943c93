import { Type } from '@sinclair/typebox';
import { Nullable } from './common.ts';

/**
 * Service connections (controllers.md §1.4, §9): the platforms the core deploys outposts on. The generic
 * shapes serve `/outposts/service_connections/all/`; each kind (Kubernetes here, Docker in docker-connections.ts) adds its own.
 */

/** The fields every kind of service connection shows (the contract's ServiceConnection). */
export const connectionCommon = {
  pk: Type.String({ format: 'uuid' }),
  name: Type.String(),
  local: Type.Boolean(),
  component: Type.String(),
  verbose_name: Type.String(),
  verbose_name_plural: Type.String(),
  meta_model_name: Type.String(),
};

/** The contract's ServiceConnection: any kind, as the generic list shows it. */
export const ServiceConnection = Type.Object(connectionCommon);

/** The contract's ServiceConnectionState. */
export const ServiceConnectionState = Type.Object({ healthy: Type.Boolean(), version: Type.String() });

/** The contract's TypeCreate: a kind of object that can be created. */
export const TypeCreate = Type.Object({
  name: Type.String(),
  description: Type.String(),
  component: Type.String(),
  model_name: Type.String(),
  icon_url: Type.Optional(Type.String()),
  requires_enterprise: Type.Boolean(),
  deprecated: Type.Boolean(),
});

const Kubeconfig = Type.Record(Type.String(), Type.Unknown(), {
  description: 'Paste your kubeconfig here. authentik will automatically use the currently selected context.',
});

/** The contract's KubernetesServiceConnection. */
export const KubernetesServiceConnection = Type.Object({
  ...connectionCommon,
  kubeconfig: Kubeconfig,
  verify_ssl: Type.Boolean(),
});

const kubernetesWritable = {
  name: Type.String({ minLength: 1, maxLength: 250 }),
  local: Type.Boolean(),
  kubeconfig: Kubeconfig,
  verify_ssl: Type.Boolean(),
};

/** The contract's KubernetesServiceConnectionRequest. */
export const KubernetesServiceConnectionRequest = Type.Object(
  {
    name: kubernetesWritable.name,
    local: Type.Optional(kubernetesWritable.local),
    kubeconfig: Type.Optional(kubernetesWritable.kubeconfig),
    verify_ssl: Type.Optional(kubernetesWritable.verify_ssl),
  },
  { additionalProperties: false },
);

/** The contract's PatchedKubernetesServiceConnectionRequest. */
export const PatchedKubernetesServiceConnectionRequest = Type.Partial(Type.Object(kubernetesWritable), {
  additionalProperties: false,
});

/** The answer of the Palisade extension `POST /outposts/instances/{uuid}/rotate_token/`. */
export const OutpostTokenRotation = Type.Object({
  outpost: Type.String({ format: 'uuid' }),
  token_identifier: Type.String(),
  /**
   * The old key's token, revoked once the new pods (Kubernetes) or container (Docker) are healthy; null when
   * revoked at once.
   */
  retiring_token_identifier: Nullable(Type.String()),
});
