import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { generateSelfSigned } from '@palisade/x509';
import { parse } from 'yaml';
import { type LeafPath, mergeApply } from './apply-merge.ts';
import { validateObject } from './object-validation.ts';
import {
  BUILT_IN,
  discoveryAnswer,
  KINDS,
  nginxStrictPathProblems,
  serverDefaults,
  status,
} from './stand-in-rules.ts';

/**
 * A stand-in for a Kubernetes API server: NO REAL CLUSTER IS USED in these tests (none can run here). It is a
 * real HTTPS server that follows the API's documented semantics for what the controller uses: `/version`;
 * discovery (`/api`, `/apis`, `/apis/<group>/<version>`, CRDs present only when installed); GET, POST and
 * DELETE of namespaced objects with Status bodies (404 NotFound, 409 AlreadyExists/Conflict, 422 Invalid);
 * server-side apply (`application/apply-patch+yaml`, `fieldManager` required, `force`, 409 when another
 * manager owns a differing field); resourceVersion and generation bumped only by real changes. Every object
 * written is validated against the official schemas (kubernetes-models packages).
 */

type Json = Record<string, unknown>;

interface Stored {
  object: Json;
  owners: Map<LeafPath, string>;
}

/** A request the stand-in saw. */
export interface SeenRequest {
  method: string;
  path: string;
  contentType?: string;
  fieldManager?: string | null;
  force?: boolean;
  /** The object sent, for writes. */
  body?: Json;
}

/** Options of a stand-in. */
export interface StandInOptions {
  /** CRD resources served, as `group/version/plural`, e.g. `traefik.io/v1alpha1/middlewares`. */
  crds?: string[];
  /** The bearer token it accepts. */
  token?: string;
  /** Acts like ingress-nginx's admission webhook with strict-validate-path-type (its default since 1.12). */
  ingressNginxStrictPaths?: boolean;
}

/** A running stand-in; `close()` it after the test. */
export interface StandIn {
  url: string;
  /** The PEM certificate to trust (its own self-signed one). */
  ca: string;
  token: string;
  requests: SeenRequest[];
  /** The non-GET requests since the start (or since `requests.length = 0`). */
  writes(): SeenRequest[];
  object(apiVersion: string, kind: string, namespace: string, name: string): Json | undefined;
  objects(): Json[];
  /** Makes every write of `kind` answer `status` (422 Invalid …) until cleared with undefined. */
  failWrites(kind: string, status: number | undefined): void;
  /** An edit by another field manager (as `kubectl edit` would make), through the same merge. */
  editAs(
    manager: string,
    apiVersion: string,
    kind: string,
    namespace: string,
    name: string,
    patch: Json,
  ): void;
  /** Plays the Deployment controller: the current generation is rolled out with every replica ready. */
  rollOut(namespace: string, name: string): void;
  close(): Promise<void>;
}

/** Starts a stand-in API server on 127.0.0.1. */
export async function startStandInApi(options: StandInOptions = {}): Promise<StandIn> {
  const { certificatePem, privateKeyPem } = generateSelfSigned({
    commonName: 'kubernetes',
    subjectAltNames: ['127.0.0.1'],
    validityDays: 2,
  });
  const token = options.token ?? `stand-in-${randomUUID()}`;
  const served: Record<string, string[]> = { ...BUILT_IN };
  for (const crd of options.crds ?? []) {
    const at = crd.lastIndexOf('/');
    (served[crd.slice(0, at)] ??= []).push(crd.slice(at + 1));
  }
  const store = new Map<string, Stored>();
  const failures = new Map<string, number>();
  const requests: SeenRequest[] = [];
  let version = 1000;
  const keyOf = (apiVersion: string, kind: string, ns: string, name: string) =>
    [apiVersion, kind, ns, name].join('|');

  /** Stores a merged object, bumping resourceVersion (and generation, for a spec change) only if it changed. */
  const commit = (key: string, previous: Stored | undefined, next: Json, owners: Map<LeafPath, string>) => {
    const meta = next.metadata as Json;
    const old = previous?.object;
    const oldMeta = (old?.metadata ?? {}) as Json;
    const strip = (o: Json | undefined) =>
      JSON.stringify({ ...o, metadata: { ...(o?.metadata as Json), resourceVersion: 0, generation: 0 } });
    if (old && strip(old) === strip(next)) {
      store.set(key, { object: old, owners });
      return old;
    }
    const specChanged =
      !old ||
      JSON.stringify({ ...old, metadata: 0, status: 0 }) !==
        JSON.stringify({ ...next, metadata: 0, status: 0 });
    meta.uid = oldMeta.uid ?? randomUUID();
    meta.creationTimestamp = oldMeta.creationTimestamp ?? new Date().toISOString();
    meta.resourceVersion = String(++version);
    meta.generation = Number(oldMeta.generation ?? 0) + (specChanged ? 1 : 0);
    store.set(key, { object: next, owners });
    return next;
  };

  const handle = (req: IncomingMessage, body: string): [number, unknown] => {
    const url = new URL(req.url ?? '/', 'https://stand-in');
    const seen: SeenRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      contentType: req.headers['content-type'],
    };
    if (req.method === 'PATCH') {
      seen.fieldManager = url.searchParams.get('fieldManager');
      seen.force = url.searchParams.get('force') === 'true';
    }
    requests.push(seen);
    if (req.headers.authorization !== `Bearer ${token}`)
      return [401, status(401, 'Unauthorized', 'Unauthorized')];
    const path = url.pathname;
    if (path === '/version') return [200, { major: '1', minor: '31', gitVersion: 'v1.31.4' }];
    const discovered = discoveryAnswer(path, served);
    if (discovered) return discovered;
    const m = /^\/(?:api\/(v1)|apis\/([^/]+\/[^/]+))\/namespaces\/([^/]+)\/([^/]+)(?:\/([^/]+))?$/.exec(path);
    const gv = m?.[1] ?? m?.[2] ?? '';
    if (!m || !served[gv]?.includes(m[4] ?? ''))
      return [404, status(404, 'NotFound', 'the server could not find the requested resource')];
    const [namespace, plural, name] = [m[3] ?? '', m[4] ?? '', m[5]];
    const kind = KINDS[plural] ?? plural;
    const key = keyOf(gv, kind, namespace, name ?? '');
    const existing = store.get(key);
    if (req.method === 'GET' && name)
      return existing
        ? [200, existing.object]
        : [404, status(404, 'NotFound', `${plural} "${name}" not found`)];
    if (req.method === 'DELETE' && name) {
      if (!existing) return [404, status(404, 'NotFound', `${plural} "${name}" not found`)];
      store.delete(key);
      return [200, { kind: 'Status', apiVersion: 'v1', status: 'Success', details: { name, kind: plural } }];
    }
    const write = req.method === 'POST' || req.method === 'PATCH';
    if (!write) return [405, status(405, 'MethodNotAllowed', 'method not allowed')];
    let object: Json;
    try {
      object = parse(body) as Json;
      seen.body = structuredClone(object);
    } catch (error) {
      return [400, status(400, 'BadRequest', `error decoding YAML: ${(error as Error).message}`)];
    }
    const meta = (object.metadata ?? {}) as Json;
    const target = name ?? String(meta.name ?? '');
    const objectKey = keyOf(gv, kind, namespace, target);
    if (object.apiVersion !== gv || object.kind !== kind)
      return [
        400,
        status(
          400,
          'BadRequest',
          `apiVersion/kind ${String(object.apiVersion)}/${String(object.kind)} do not match the URL`,
        ),
      ];
    if (meta.namespace !== undefined && meta.namespace !== namespace)
      return [
        400,
        status(400, 'BadRequest', 'the namespace of the object does not match the namespace on the request'),
      ];
    if (name !== undefined && meta.name !== name)
      return [400, status(400, 'BadRequest', 'the name of the object does not match the name on the URL')];
    const problems = [
      ...validateObject({ ...object, metadata: { ...meta, namespace } }),
      ...(options.ingressNginxStrictPaths ? nginxStrictPathProblems(object) : []),
    ];
    const failure = failures.get(kind);
    if (failure)
      return [
        failure,
        status(
          failure,
          failure === 422 ? 'Invalid' : 'InternalError',
          `${kind} "${target}" is invalid: injected failure`,
        ),
      ];
    if (problems.length && (options.ingressNginxStrictPaths ? nginxStrictPathProblems(object) : []).length)
      return [
        400,
        status(
          400,
          'BadRequest',
          `admission webhook "validate.nginx.ingress.kubernetes.io" denied the request: ${problems.join('; ')}`,
        ),
      ];
    if (problems.length)
      return [422, status(422, 'Invalid', `${kind} "${target}" is invalid: ${problems.join('; ')}`)];
    if (req.method === 'POST') {
      if (store.has(objectKey))
        return [409, status(409, 'AlreadyExists', `${plural} "${target}" already exists`)];
      const created = { ...object, metadata: { ...meta, namespace } };
      serverDefaults(created);
      const manager = url.searchParams.get('fieldManager') ?? 'unknown';
      const merged = mergeApply(
        undefined,
        new Map(),
        { ...object, metadata: { ...meta, namespace } },
        manager,
        true,
      );
      return [201, commit(objectKey, undefined, created, merged.conflicts ? new Map() : merged.owners)];
    }
    if (req.headers['content-type'] !== 'application/apply-patch+yaml')
      return [415, status(415, 'UnsupportedMediaType', 'only server-side apply is served here')];
    const manager = url.searchParams.get('fieldManager');
    if (!manager)
      return [
        400,
        status(
          400,
          'BadRequest',
          'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch',
        ),
      ];
    const result = mergeApply(
      existing?.object,
      existing?.owners ?? new Map(),
      { ...object, metadata: { ...meta, namespace } },
      manager,
      url.searchParams.get('force') === 'true',
    );
    if (result.conflicts) {
      const list = result.conflicts.map((c) => `conflict with "${c.manager}": ${c.path}`).join('\n');
      return [
        409,
        status(409, 'Conflict', `Apply failed with ${result.conflicts.length} conflict(s): ${list}`),
      ];
    }
    if (!existing) serverDefaults(result.object);
    return [existing ? 200 : 201, commit(objectKey, existing, result.object, result.owners)];
  };

  const server: Server = createServer(
    { cert: certificatePem, key: privateKeyPem },
    (req: IncomingMessage, res: ServerResponse) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const [code, answer] = handle(req, Buffer.concat(chunks).toString('utf8'));
        res.writeHead(code, { 'content-type': 'application/json' }).end(JSON.stringify(answer));
      });
    },
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const find = (apiVersion: string, kind: string, ns: string, name: string) =>
    store.get(keyOf(apiVersion, kind, ns, name));
  return {
    url: `https://127.0.0.1:${port}`,
    ca: certificatePem,
    token,
    requests,
    writes: () => requests.filter((r) => r.method !== 'GET'),
    object: (apiVersion, kind, ns, name) => find(apiVersion, kind, ns, name)?.object,
    objects: () => [...store.values()].map((s) => s.object),
    failWrites(kind, code) {
      if (code === undefined) failures.delete(kind);
      else failures.set(kind, code);
    },
    editAs(manager, apiVersion, kind, ns, name, patch) {
      const key = keyOf(apiVersion, kind, ns, name);
      const stored = store.get(key);
      if (!stored) throw new Error(`no ${kind} ${ns}/${name}`);
      const merged = mergeApply(
        stored.object,
        stored.owners,
        { apiVersion, kind, metadata: { name, namespace: ns }, ...patch },
        manager,
        true,
      );
      if (merged.conflicts) throw new Error('unreachable: forced');
      // An edit keeps the fields it does not mention: merge the edit over what the others own.
      const owners = new Map([...stored.owners, ...merged.owners]);
      commit(
        key,
        stored,
        {
          ...stored.object,
          ...merged.object,
          metadata: { ...(stored.object.metadata as Json), ...(merged.object.metadata as Json) },
        },
        owners,
      );
    },
    rollOut(ns, name) {
      const stored = find('apps/v1', 'Deployment', ns, name);
      if (!stored) throw new Error(`no Deployment ${ns}/${name}`);
      const meta = stored.object.metadata as Json;
      const replicas = Number((stored.object.spec as Json).replicas ?? 1);
      stored.object.status = {
        observedGeneration: meta.generation,
        replicas,
        updatedReplicas: replicas,
        readyReplicas: replicas,
        availableReplicas: replicas,
      };
      meta.resourceVersion = String(++version);
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
