import { Agent, request as httpsRequest } from 'node:https';
import { request as httpRequest } from 'node:http';
import type { ClusterAccess } from './kubeconfig.ts';

/**
 * A small typed client for the few Kubernetes API calls the controller makes (docs/dependencies.md says why
 * not @kubernetes/client-node): `/version`, discovery, GET, server-side apply and DELETE of namespaced objects.
 */

/** The field manager of every write (controllers.md §1.5). */
export const FIELD_MANAGER = 'goauthentik.io';

/** A Kubernetes object as JSON. */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; [key: string]: unknown };
  [key: string]: unknown;
}

/** Which object: its type, namespace and name. */
export interface ObjectRef {
  apiVersion: string;
  kind: string;
  namespace: string;
  name: string;
}

/** An answer of the API server that is not a success; `reason` is the Status object's (NotFound, Conflict…). */
export class KubeApiError extends Error {
  readonly status: number;
  readonly reason: string;
  constructor(status: number, reason: string, message: string) {
    super(`${status} ${reason}: ${message}`);
    this.name = 'KubeApiError';
    this.status = status;
    this.reason = reason;
  }
}

/** The resource (plural) of each kind the controller writes. */
const PLURALS: Record<string, string> = {
  Secret: 'secrets',
  Deployment: 'deployments',
  Service: 'services',
  Ingress: 'ingresses',
  Middleware: 'middlewares',
  ServiceMonitor: 'servicemonitors',
  HTTPRoute: 'httproutes',
  ReferenceGrant: 'referencegrants',
};

/** The URL path of an object (or, without a name, of its collection). */
export function objectPath(ref: Omit<ObjectRef, 'name'> & { name?: string }): string {
  const plural = PLURALS[ref.kind];
  if (!plural) throw new Error(`no resource known for kind ${ref.kind}`);
  const base = ref.apiVersion.includes('/') ? `/apis/${ref.apiVersion}` : `/api/${ref.apiVersion}`;
  const name = ref.name === undefined ? '' : `/${encodeURIComponent(ref.name)}`;
  return `${base}/namespaces/${encodeURIComponent(ref.namespace)}/${plural}${name}`;
}

/** The reference of an object. */
export const refOf = (o: KubeObject): ObjectRef => ({
  apiVersion: o.apiVersion,
  kind: o.kind,
  namespace: String(o.metadata.namespace ?? ''),
  name: o.metadata.name,
});

/** The calls the controller makes; one client per connection and run. */
export interface KubeClient {
  /** `GET /version`: the server's gitVersion. */
  version(): Promise<string>;
  /** The resources a group/version serves (discovery), or undefined when the server does not serve it. */
  resources(groupVersion: string): Promise<string[] | undefined>;
  /** The object, or undefined when it does not exist. */
  get(ref: ObjectRef): Promise<KubeObject | undefined>;
  /** Server-side apply of the whole object as FIELD_MANAGER; `force` takes over fields other managers own. */
  apply(object: KubeObject, options?: { force?: boolean }): Promise<KubeObject>;
  /** Deletes the object; false when it was already gone. */
  delete(ref: ObjectRef): Promise<boolean>;
}

const TIMEOUT_MS = 15_000;

/** Builds a client for a cluster; nothing is sent until a call is made. */
export function createKubeClient(access: ClusterAccess): KubeClient {
  const url = new URL(access.server);
  const secure = url.protocol === 'https:';
  const agent = secure
    ? new Agent({
        ca: access.ca,
        cert: access.cert,
        key: access.key,
        // DANGER: verify_ssl false (or insecure-skip-tls-verify) trusts any certificate the server shows.
        rejectUnauthorized: access.verifySsl,
        servername: access.tlsServerName,
        keepAlive: true,
      })
    : undefined;
  const headers: Record<string, string> = { accept: 'application/json' };
  if (access.token) headers.authorization = `Bearer ${access.token}`;
  else if (access.username !== undefined)
    headers.authorization = `Basic ${Buffer.from(`${access.username}:${access.password ?? ''}`).toString('base64')}`;

  const call = (method: string, path: string, body?: { type: string; text: string }) =>
    new Promise<{ status: number; json: unknown }>((resolve, reject) => {
      const send = secure ? httpsRequest : httpRequest;
      const req = send(
        new URL(`${url.pathname.replace(/\/$/, '')}${path}`, url),
        {
          method,
          agent,
          timeout: TIMEOUT_MS,
          headers: body ? { ...headers, 'content-type': body.type } : headers,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            let json: unknown;
            try {
              json = text ? JSON.parse(text) : undefined;
            } catch {
              json = { message: text.slice(0, 200) };
            }
            resolve({ status: res.statusCode ?? 0, json });
          });
        },
      );
      req.on('timeout', () => req.destroy(new Error(`${method} ${path} timed out`)));
      req.on('error', reject);
      req.end(body?.text);
    });

  const expectOk = (status: number, json: unknown, accept: number[] = []) => {
    if ((status >= 200 && status < 300) || accept.includes(status)) return;
    const s = (json ?? {}) as { reason?: string; message?: string };
    throw new KubeApiError(status, s.reason ?? 'Unknown', s.message ?? 'no message');
  };

  return {
    async version() {
      const { status, json } = await call('GET', '/version');
      expectOk(status, json);
      return String((json as { gitVersion?: unknown }).gitVersion ?? '');
    },
    async resources(groupVersion) {
      const path = groupVersion.includes('/') ? `/apis/${groupVersion}` : `/api/${groupVersion}`;
      const { status, json } = await call('GET', path);
      if (status === 404) return undefined;
      expectOk(status, json);
      const list = (json as { resources?: Array<{ name?: string }> }).resources ?? [];
      return list.map((r) => String(r.name));
    },
    async get(ref) {
      const { status, json } = await call('GET', objectPath(ref));
      if (status === 404) return undefined;
      expectOk(status, json);
      return json as KubeObject;
    },
    async apply(object, options = {}) {
      const query = new URLSearchParams({ fieldManager: FIELD_MANAGER });
      if (options.force) query.set('force', 'true');
      // JSON is YAML, so the object goes as it is under the apply-patch media type.
      const { status, json } = await call('PATCH', `${objectPath(refOf(object))}?${query}`, {
        type: 'application/apply-patch+yaml',
        text: JSON.stringify(object),
      });
      expectOk(status, json);
      return json as KubeObject;
    },
    async delete(ref) {
      const { status, json } = await call('DELETE', objectPath(ref));
      if (status === 404) return false;
      expectOk(status, json);
      return true;
    },
  };
}
