import { Deployment } from 'kubernetes-models/apps/v1';
import { Ingress } from 'kubernetes-models/networking.k8s.io/v1';
import { Secret, Service } from 'kubernetes-models/v1';
import { HTTPRoute } from '@kubernetes-models/gateway-api/gateway.networking.k8s.io/v1';
import { ReferenceGrant } from '@kubernetes-models/gateway-api/gateway.networking.k8s.io/v1beta1';
import { ServiceMonitor } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1';
import { Middleware } from '@kubernetes-models/traefik/traefik.io/v1alpha1';

/**
 * Validates an object as the API server would, against the official schemas shipped by the kubernetes-models
 * packages (OpenAPI of Kubernetes, the Gateway API, Traefik and prometheus-operator CRDs), plus the name and
 * label rules those schemas leave to the server. Answers the problems, empty when valid.
 */

type Model = new (data: never) => { validate(): void };

const MODELS: Record<string, Model> = {
  'v1/Secret': Secret as unknown as Model,
  'v1/Service': Service as unknown as Model,
  'apps/v1/Deployment': Deployment as unknown as Model,
  'networking.k8s.io/v1/Ingress': Ingress as unknown as Model,
  'gateway.networking.k8s.io/v1/HTTPRoute': HTTPRoute as unknown as Model,
  'gateway.networking.k8s.io/v1beta1/ReferenceGrant': ReferenceGrant as unknown as Model,
  'monitoring.coreos.com/v1/ServiceMonitor': ServiceMonitor as unknown as Model,
  'traefik.io/v1alpha1/Middleware': Middleware as unknown as Model,
  // Traefik 2's group serves the same Middleware schema.
  'traefik.containo.us/v1alpha1/Middleware': Middleware as unknown as Model,
};

const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS_1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

/** The problems of an object (empty: the API server would take it). */
export function validateObject(object: Record<string, unknown>): string[] {
  const key = `${String(object.apiVersion)}/${String(object.kind)}`;
  const model = MODELS[key];
  if (!model) return [`no schema for ${key}`];
  const problems: string[] = [];
  // The models check types with the apiVersion and kind they know; a Traefik 2 object is checked as Traefik 3's.
  const data = key.startsWith('traefik.containo.us/')
    ? { ...object, apiVersion: 'traefik.io/v1alpha1' }
    : object;
  try {
    new model(data as never).validate();
  } catch (error) {
    problems.push((error as Error).message);
  }
  const metadata = (object.metadata ?? {}) as { name?: string; labels?: Record<string, string> };
  const name = metadata.name ?? '';
  if (
    object.kind === 'Service'
      ? !DNS_1035_LABEL.test(name) || name.length > 63
      : !DNS_SUBDOMAIN.test(name) || name.length > 253
  )
    problems.push(`metadata.name: Invalid value: "${name}"`);
  for (const [label, value] of Object.entries(metadata.labels ?? {}))
    if (value.length > 63 || !LABEL_VALUE.test(value))
      problems.push(`metadata.labels: Invalid value: "${value}" (${label})`);
  return problems;
}
