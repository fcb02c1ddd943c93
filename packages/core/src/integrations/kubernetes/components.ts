import type { KubernetesComponent } from '@palisade/schema';
import { isEmbeddedOutpost } from '../../outposts/embedded.ts';
import type { KubeObject } from './client.ts';
import type { BuildInput } from './build-input.ts';
import { applyJsonPatch, JsonPatchError, type JsonPatchOperation } from './json-patch.ts';
import {
  httpRouteObjects,
  ingressObjects,
  middlewareObjects,
  referenceGrantObjects,
} from './routing-objects.ts';
import {
  deploymentObjects,
  metricsServiceObjects,
  secretObjects,
  serviceMonitorObjects,
  serviceObjects,
} from './workload-objects.ts';

/**
 * The one builder of an outpost's Kubernetes objects, used by the controller and by `palisade outpost
 * manifest --format kubernetes` alike, so both show the same objects.
 */

/** The objects of one component, after its JSON patches; `disabled` ones are neither applied nor removed. */
export interface BuiltComponent {
  name: KubernetesComponent;
  disabled: boolean;
  objects: KubeObject[];
  /** Why the component could not be built (a JSON patch that does not apply); the others still are. */
  error?: string;
}

type Builder = (input: BuildInput) => KubeObject[];

/**
 * Components in reconcile order (controllers.md §5.1). `embedded` says whether the embedded outpost gets it:
 * it runs inside the core's pods, so it has only a Service and what routes to it (§8).
 */
const COMPONENTS: ReadonlyArray<{
  name: KubernetesComponent;
  build: Builder;
  embedded: boolean;
  proxyOnly: boolean;
}> = [
  { name: 'secret', build: secretObjects, embedded: false, proxyOnly: false },
  { name: 'deployment', build: deploymentObjects, embedded: false, proxyOnly: false },
  { name: 'service', build: serviceObjects, embedded: true, proxyOnly: false },
  { name: 'service-metrics', build: metricsServiceObjects, embedded: false, proxyOnly: false },
  { name: 'prometheus servicemonitor', build: serviceMonitorObjects, embedded: false, proxyOnly: false },
  { name: 'ingress', build: ingressObjects, embedded: true, proxyOnly: true },
  { name: 'traefik middleware', build: middlewareObjects, embedded: true, proxyOnly: true },
  { name: 'httproute', build: httpRouteObjects, embedded: true, proxyOnly: true },
];

/** The reference's log prefix of a component: Python's str.title() ("Prometheus Servicemonitor"). */
export const componentTitle = (name: string) =>
  name.replace(/[A-Za-z]+/g, (word) => word.charAt(0).toUpperCase() + word.slice(1).toLowerCase());

function patched(objects: KubeObject[], patch: readonly JsonPatchOperation[] | undefined): KubeObject[] {
  return patch?.length ? objects.map((o) => applyJsonPatch(o, patch)) : objects;
}

/** Builds every component of an outpost, in order; a broken JSON patch throws (JsonPatchError). */
export function buildComponents(input: BuildInput): BuiltComponent[] {
  const embedded = isEmbeddedOutpost(input.outpost);
  const disabled = new Set<string>(input.config.kubernetes_disabled_components);
  const patches = input.config.kubernetes_json_patches ?? {};
  return COMPONENTS.filter(
    (c) => (!embedded || c.embedded) && (!c.proxyOnly || input.outpost.type === 'proxy'),
  ).map((component) => {
    const built = { name: component.name, disabled: disabled.has(component.name) };
    try {
      let objects = patched(
        component.build(input),
        patches[component.name] as JsonPatchOperation[] | undefined,
      );
      // A route moved to another namespace needs the outpost's namespace to grant the reference (seed 003).
      if (component.name === 'httproute') objects = [...objects, ...referenceGrantObjects(input, objects)];
      return { ...built, objects };
    } catch (error) {
      if (!(error instanceof JsonPatchError)) throw error;
      return { ...built, objects: [], error: error.message };
    }
  });
}

/** The objects a static manifest shows: every enabled component's; a broken JSON patch throws. */
export function manifestObjects(input: BuildInput): KubeObject[] {
  const components = buildComponents(input).filter((c) => !c.disabled);
  const broken = components.find((c) => c.error);
  if (broken) throw new Error(`${componentTitle(broken.name)}: ${broken.error}`);
  return components.flatMap((c) => c.objects);
}
