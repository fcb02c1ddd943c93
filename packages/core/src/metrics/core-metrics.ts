import { Counter, Gauge, Histogram, Registry } from 'prom-client';

/**
 * The core's own Prometheus metrics (docs/operations.md, "Metrics"). The reference's names where it has one
 * (`authentik_outposts_connected`, `authentik_outposts_last_update`, `authentik_flows_plan_time`,
 * `authentik_flows_execution_stage_time`, `authentik_system_tasks`); `palisade_*` otherwise. Every label takes
 * values from a bounded set: route templates (never raw paths), status classes, stage kinds, flow slugs of
 * flows that exist, task names, outpost names and instance uids of connected instances.
 */
export interface CoreMetrics {
  readonly registry: Registry;
  /** One HTTP request answered; `route` is the matched route's template, or `unmatched`. */
  httpRequest(method: string, route: string, statusCode: number, seconds: number): void;
  /** A password sign-in's outcome; `reason` is empty on success. */
  signIn(result: 'success' | 'failure' | 'throttled', reason: string): void;
  /** An OAuth2 token-endpoint grant's outcome. */
  oauth2Grant(grantType: string, result: 'success' | 'error'): void;
  /** A flow was planned for `flowSlug` in `seconds`. */
  flowPlanned(flowSlug: string, seconds: number): void;
  /** A stage answered a GET (`method` `get`) or checked an answer (`post`) in `seconds`. */
  stageRan(stageKind: string, method: 'get' | 'post', seconds: number): void;
  /** Where the scrape-time gauges read from; set once the parts they read exist. */
  observe(sources: MetricSources): void;
}

/** The live state the gauges read at scrape time. */
export interface MetricSources {
  /** Instances connected to this process per outpost: uuid -> connections (the outpost hub). */
  connectedInstances(): ReadonlyMap<string, number>;
  /** Live instances of the whole cluster with their outpost's name and version (from the database). */
  liveInstances(): Promise<{ outpost: string; uid: string; version: string; lastSeen: Date }[]>;
  /** Outpost names by uuid (for the label of connected instances). */
  outpostNames(): Promise<ReadonlyMap<string, string>>;
  /** System tasks: name and status of each. */
  systemTasks(): Promise<{ name: string; status: string }[]>;
  /** Database connection pool use; undefined for the embedded database (one connection, no pool). */
  pool(): { total: number; idle: number; waiting: number } | undefined;
}

const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

function statusClass(code: number): string {
  return code >= 100 && code < 600 ? `${Math.floor(code / 100)}xx` : 'other';
}

/** A source that fails (the database is away) leaves its gauge empty rather than failing the whole scrape. */
async function orNothing<T>(read: (() => Promise<T[]>) | undefined): Promise<T[]> {
  try {
    return read ? await read() : [];
  } catch {
    return [];
  }
}

/**
 * Builds the core's registry with the core's own metrics. Node's process metrics are added by the server
 * (`collectDefaultMetrics`) when it opens the metrics port, not here: tests build many contexts.
 */
export function createCoreMetrics(): CoreMetrics {
  const registry = new Registry();
  const registers = [registry];
  let sources: MetricSources | undefined;

  const http = new Histogram({
    name: 'palisade_http_request_duration_seconds',
    help: 'HTTP requests answered by the core, by method, route template and status class',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers,
  });
  const signIns = new Counter({
    name: 'palisade_sign_ins_total',
    help: 'Password sign-ins by result and failure reason',
    labelNames: ['result', 'reason'] as const,
    registers,
  });
  const grants = new Counter({
    name: 'palisade_oauth2_grants_total',
    help: 'OAuth2 token endpoint grants by grant type and result',
    labelNames: ['grant_type', 'result'] as const,
    registers,
  });
  const planTime = new Histogram({
    name: 'authentik_flows_plan_time',
    help: 'Duration to build a plan for a flow',
    labelNames: ['flow_slug'] as const,
    registers,
  });
  const stageTime = new Histogram({
    name: 'authentik_flows_execution_stage_time',
    help: 'Duration taken by individual stages',
    labelNames: ['stage_type', 'method'] as const,
    registers,
  });

  new Gauge({
    name: 'authentik_outposts_connected',
    help: 'Currently connected outpost instances on this core process',
    labelNames: ['outpost'] as const,
    registers,
    async collect() {
      this.reset();
      if (!sources) return;
      const local = sources.connectedInstances();
      if (local.size === 0) return;
      let names: ReadonlyMap<string, string> = new Map();
      try {
        names = await sources.outpostNames();
      } catch {
        // The database is away: label by uuid.
      }
      for (const [uuid, count] of local) this.set({ outpost: names.get(uuid) ?? uuid }, count);
    },
  });
  new Gauge({
    name: 'authentik_outposts_last_update',
    help: 'Last time an outpost instance reported in, by outpost, instance and version (whole cluster)',
    labelNames: ['outpost', 'uid', 'version'] as const,
    registers,
    async collect() {
      this.reset();
      for (const i of await orNothing(sources?.liveInstances))
        this.set({ outpost: i.outpost, uid: i.uid, version: i.version }, i.lastSeen.getTime() / 1000);
    },
  });
  new Gauge({
    name: 'palisade_outpost_instances',
    help: 'Live outpost instances of the whole cluster by version',
    labelNames: ['version'] as const,
    registers,
    async collect() {
      this.reset();
      const counts = new Map<string, number>();
      for (const i of await orNothing(sources?.liveInstances))
        counts.set(i.version, (counts.get(i.version) ?? 0) + 1);
      for (const [version, count] of counts) this.set({ version }, count);
    },
  });
  new Gauge({
    name: 'authentik_system_tasks',
    help: 'System tasks by name and status (whole cluster)',
    labelNames: ['task_name', 'status'] as const,
    registers,
    async collect() {
      this.reset();
      const counts = new Map<string, number>();
      for (const t of await orNothing(sources?.systemTasks)) {
        const key = `${t.name}\u0000${t.status}`;
        counts.set(key, (counts.get(key) ?? 0) + 1);
      }
      for (const [key, count] of counts) {
        const [task_name = '', status = ''] = key.split('\u0000');
        this.set({ task_name, status }, count);
      }
    },
  });
  new Gauge({
    name: 'palisade_db_pool_connections',
    help: 'PostgreSQL pool connections by state (total, idle, waiting clients); absent on the embedded database',
    labelNames: ['state'] as const,
    registers,
    collect() {
      this.reset();
      const pool = sources?.pool();
      if (!pool) return;
      this.set({ state: 'total' }, pool.total);
      this.set({ state: 'idle' }, pool.idle);
      this.set({ state: 'waiting' }, pool.waiting);
    },
  });

  return {
    registry,
    httpRequest(method, route, statusCode, seconds) {
      http.observe(
        { method: METHODS.has(method) ? method : 'other', route, status: statusClass(statusCode) },
        seconds,
      );
    },
    signIn(result, reason) {
      signIns.inc({ result, reason });
    },
    oauth2Grant(grantType, result) {
      grants.inc({ grant_type: KNOWN_GRANTS.has(grantType) ? grantType : 'other', result });
    },
    flowPlanned(flowSlug, seconds) {
      planTime.observe({ flow_slug: flowSlug }, seconds);
    },
    stageRan(stageKind, method, seconds) {
      stageTime.observe({ stage_type: stageKind, method }, seconds);
    },
    observe(next) {
      sources = next;
    },
  };
}

const KNOWN_GRANTS = new Set([
  'authorization_code',
  'refresh_token',
  'client_credentials',
  'password',
  'urn:ietf:params:oauth:grant-type:device_code',
  'implicit',
]);
