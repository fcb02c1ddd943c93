import type { AppContext } from '../context.ts';
import { DOCKER_CONNECTION_KIND } from './docker/kind.ts';
import { kubernetesConnectionState } from './kubernetes/connection-state.ts';
import type { ConnectionState } from './service-connections-repository.ts';

/**
 * The kinds of service connection (controllers.md §1.4). The generic routes (`/outposts/service_connections/
 * all/`) and the outposts API know a kind only through this registry: another kind (Docker) plugs in by
 * adding one entry (Docker: docker/kind.ts).
 */
export interface ServiceConnectionKind {
  /** The API's verbose_name, verbose_name_plural, component and meta_model_name. */
  verboseName: string;
  verboseNamePlural: string;
  component: string;
  modelName: string;
  /** One line for the `types/` list. */
  description: string;
  /** Checks the connection now and stores the result; undefined when no such connection of this kind exists. */
  state(ctx: AppContext, uuid: string): Promise<ConnectionState | undefined>;
  /** Cleans up what was deployed through a connection before the generic route deletes it. */
  beforeDelete?(ctx: AppContext, uuid: string): Promise<void>;
}

const KUBERNETES: ServiceConnectionKind = {
  verboseName: 'Kubernetes Service-Connection',
  verboseNamePlural: 'Kubernetes Service-Connections',
  component: 'ak-service-connection-kubernetes-form',
  modelName: 'kubernetesserviceconnection',
  description: 'Service Connection to a Kubernetes cluster',
  state: kubernetesConnectionState,
};

/** The Kubernetes kind (its routes present connections with it). */
export const KUBERNETES_CONNECTION_KIND = KUBERNETES;

/** Every kind, by the `kind` column of service_connections. */
export const SERVICE_CONNECTION_KINDS: Record<string, ServiceConnectionKind> = {
  kubernetes: KUBERNETES,
  docker: DOCKER_CONNECTION_KIND,
};

/** The presentation fields every kind shares (the contract's ServiceConnection minus pk/name/local). */
export function connectionMeta(kind: ServiceConnectionKind) {
  return {
    component: kind.component,
    verbose_name: kind.verboseName,
    verbose_name_plural: kind.verboseNamePlural,
    meta_model_name: `authentik_outposts.${kind.modelName}`,
  };
}
