/**
 * The reference's `model_created`, `model_updated`, `model_deleted`, `password_set` and `secret_view` events
 * for what people do through the API (issue 19, point 7). They are read off each request's route template
 * once it answered with success, so no route has to remember to record them, and a route added later is
 * covered the day it is added. The context names the object (app, model, pk, name), never its fields.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AppContext } from '../context.ts';
import { recordEvent } from './audit.ts';

type Action = 'model_created' | 'model_updated' | 'model_deleted' | 'password_set' | 'secret_view';

/** What a route template's request records, if anything. */
interface Recorded {
  action: Action;
  /** The collection's path below /api/v3/, e.g. `core/users`. */
  collection: string;
  /** The route parameter holding the object's pk (absent on a collection's POST). */
  pkParam?: string;
}

/** Routes that change things without being a model's create/update/delete, or whose model is the log itself. */
const NOT_MODEL_CHANGES = [/^flows\/executor\//, /^events\/events\//];

/** Actions on one object that the reference records under their own names. */
const ACTIONS: Record<string, { method: string; action: Action }> = {
  set_password: { method: 'POST', action: 'password_set' },
  view_key: { method: 'GET', action: 'secret_view' },
  view_private_key: { method: 'GET', action: 'secret_view' },
  // The deployment manifest carries the outpost's token (unless masked: see `revealed`).
  manifest: { method: 'GET', action: 'secret_view' },
};

/**
 * Reads a route template such as `/api/v3/core/users/:id/` (an item), `/api/v3/core/users/` (a collection)
 * or `/api/v3/core/users/:id/set_password/` (an action) for what a successful `method` on it records.
 */
export function recordedFor(method: string, template: string): Recorded | undefined {
  const match = /^\/api\/v3\/(.+)$/.exec(template);
  if (!match?.[1] || NOT_MODEL_CHANGES.some((re) => re.test(match[1] ?? ''))) return undefined;
  const parts = match[1].split('/').filter(Boolean);
  const last = parts.at(-1) ?? '';
  const param = parts.findIndex((p) => p.startsWith(':'));
  if (param === -1)
    return method === 'POST' ? { action: 'model_created', collection: parts.join('/') } : undefined;
  const collection = parts.slice(0, param).join('/');
  const pkParam = parts[param]?.slice(1);
  if (param === parts.length - 1) {
    const action = { PUT: 'model_updated', PATCH: 'model_updated', DELETE: 'model_deleted' }[method] as
      Action | undefined;
    return action && { action, collection, pkParam };
  }
  const named = param === parts.length - 2 ? ACTIONS[last] : undefined;
  return named?.method === method ? { action: named.action, collection, pkParam } : undefined;
}

/**
 * Whether a request that matched reveals what its route can hide: an outpost's deployment manifest holds
 * the outpost's token unless `mask_token=true` asked for it masked.
 */
function revealed(request: FastifyRequest): boolean {
  if (!(request.routeOptions.url ?? '').endsWith('/manifest/')) return true;
  const mask = (request.query as Record<string, unknown>).mask_token;
  return mask !== true && mask !== 'true';
}

/** The reference's app and model name of objects Palisade's answers do not name (`meta_model_name`). */
const MODELS: Record<string, string> = {
  'core/users': 'authentik_core.user',
  'core/groups': 'authentik_core.group',
  'core/applications': 'authentik_core.application',
  'core/tokens': 'authentik_core.token',
  'crypto/certificatekeypairs': 'authentik_crypto.certificatekeypair',
  'flows/instances': 'authentik_flows.flow',
  'flows/bindings': 'authentik_flows.flowstagebinding',
  'policies/bindings': 'authentik_policies.policybinding',
  'outposts/instances': 'authentik_outposts.outpost',
  'outposts/service_connections/docker': 'authentik_outposts.dockerserviceconnection',
  'outposts/service_connections/kubernetes': 'authentik_outposts.kubernetesserviceconnection',
  'rac/endpoints': 'authentik_providers_rac.endpoint',
};

/** The object a request concerned, as the event's context names it. */
function modelOf(recorded: Recorded, body: Record<string, unknown>, pk: unknown) {
  const meta = typeof body.meta_model_name === 'string' ? body.meta_model_name : MODELS[recorded.collection];
  const [app, model] = (meta ?? `authentik_${recorded.collection.replaceAll('/', '_')}`).split('.');
  const name = [body.username, body.name, body.identifier, body.slug].find((v) => typeof v === 'string');
  return {
    app,
    model_name: model ?? recorded.collection.split('/').at(-1),
    pk: body.pk ?? body.uuid ?? pk,
    ...(name !== undefined ? { name } : {}),
  };
}

/** The JSON object of a payload, or an empty one (204s, non-JSON, oversized answers). */
function parsedObject(payload: unknown): Record<string, unknown> {
  if (typeof payload !== 'string' || payload.length > 1_000_000) return {};
  try {
    const value: unknown = JSON.parse(payload);
    return value && typeof value === 'object' && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : {};
  } catch {
    return {};
  }
}

/** The actions whose answer is the object itself; the others' object is read before the request runs. */
const ANSWER_NAMES_IT = new Set<Action>(['model_created', 'model_updated']);

/** What a request will record once answered, and the object as the answer (or, for deletes, a read) named it. */
const pending = new WeakMap<FastifyRequest, { recorded: Recorded; body: Record<string, unknown> }>();

/**
 * Records the model events of every route in `scope` (a route group whose hook sets `request.principal`).
 * A delete answers nothing and an action answers something else (a key), so for those the object is read
 * first with the caller's own credentials to name it; a failed read only leaves the name out.
 */
export function recordModelEvents(ctx: AppContext, scope: FastifyInstance): void {
  const what = (request: FastifyRequest) => recordedFor(request.method, request.routeOptions.url ?? '');
  scope.addHook('preHandler', async (request) => {
    const recorded = what(request);
    if (!recorded || !revealed(request)) return;
    let body: Record<string, unknown> = {};
    if (!ANSWER_NAMES_IT.has(recorded.action)) {
      const headers: Record<string, string> = {};
      for (const name of ['authorization', 'cookie'] as const) {
        const value = request.headers[name];
        if (typeof value === 'string') headers[name] = value;
      }
      // The object's own URL: the request's, less an action's last segment.
      const path = request.url.split('?')[0] ?? '';
      const url = recorded.action === 'model_deleted' ? path : path.replace(/[^/]+\/$/, '');
      const read = await scope.inject({ method: 'GET', url, headers });
      if (read.statusCode === 200) body = parsedObject(read.payload);
    }
    pending.set(request, { recorded, body });
  });
  // Recorded before the answer leaves, so a client that saw the change succeed finds its event.
  scope.addHook('onSend', async (request, reply, payload) => {
    const entry = pending.get(request);
    pending.delete(request);
    const actor = request.principal?.user;
    if (!entry || !actor || reply.statusCode >= 300) return payload;
    const { recorded } = entry;
    const body = ANSWER_NAMES_IT.has(recorded.action) ? parsedObject(payload) : entry.body;
    const params = request.params as Record<string, unknown>;
    const model = modelOf(recorded, body, recorded.pkParam ? params[recorded.pkParam] : undefined);
    const http_request = { method: request.method, path: request.url.split('?')[0] };
    // As the reference files it, a password_set event is the user's whose password it is; who set it is said.
    const target =
      recorded.action === 'password_set' && typeof body.pk === 'number' && typeof body.username === 'string'
        ? { id: body.pk, username: body.username, email: typeof body.email === 'string' ? body.email : '' }
        : undefined;
    await recordEvent(ctx, request.log, {
      action: recorded.action,
      clientIp: request.ip,
      user: target ?? actor,
      context: { model, http_request, ...(target ? { set_by: actor.username } : {}) },
    });
    return payload;
  });
}
