import assert from 'node:assert/strict';
import { loadConfig } from '@palisade/core/config/load';
import { insertToken } from '@palisade/core/identity/tokens-repository';
import { findUserByUsername } from '@palisade/core/identity/users-repository';
import { type RunningServer, startServer } from '@palisade/core/server';

/** The secret key of the test cores (the embedded outpost's credential). */
export const SECRET_KEY = 'outpost-test-secret-key-0123456789abcdefghijklmnopqrstuvwxyz';
/** The admin api token of the test cores. */
export const ADMIN_TOKEN = 'outpost-test-admin-token-0123456789abcdef';

/** A real core listening on a port, with an admin token and helpers over its admin API. */
export interface TestCore {
  server: RunningServer;
  url: string;
  port: number;
  /** An admin API call; answers status and parsed JSON body. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- test answers are read loosely, field by field
  api(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }>;
  close(): Promise<void>;
}

/**
 * Starts a real Palisade core on 127.0.0.1 (`port` 0: any), on the embedded database unless `databaseUrl`
 * names a PostgreSQL one, with the admin token ADMIN_TOKEN.
 */
export async function startTestCore(
  options: { port?: number; databaseUrl?: string } = {},
): Promise<TestCore> {
  const config = loadConfig({
    env: {
      PALISADE_DATA_DIR: 'memory://',
      PALISADE_SECRET_KEY: SECRET_KEY,
      PALISADE_LOG_LEVEL: 'silent',
      PALISADE_LISTEN__HTTP: `127.0.0.1:${options.port ?? 0}`,
      PALISADE_LISTEN__METRICS: '',
      ...(options.databaseUrl ? { PALISADE_DATABASE_URL: options.databaseUrl } : {}),
    },
  });
  const server = await startServer(config);
  const { db, box } = server.ctx;
  const admin = await findUserByUsername(db, 'akadmin');
  const existing = await db.query("SELECT 1 FROM tokens WHERE identifier = 'outpost-test-admin'");
  if (existing.length === 0) {
    await insertToken(db, box, {
      identifier: 'outpost-test-admin',
      intent: 'api',
      userId: admin?.id ?? 0,
      key: ADMIN_TOKEN,
      expiring: false,
    });
  }
  const address = server.app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const url = `http://127.0.0.1:${port}/`;
  return {
    server,
    url,
    port,
    async api(method, path, body) {
      const res = await fetch(new URL(`api/v3${path}`, url), {
        method,
        headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await res.text();
      return { status: res.status, body: text ? JSON.parse(text) : undefined };
    },
    close: () => server.close(),
  };
}

/** Creates a proxy provider and an application for it through the admin API; answers the provider's pk. */
export async function createProxyApp(core: TestCore, name: string, extra: Record<string, unknown> = {}) {
  const flows = await core.api('GET', '/flows/instances/?page_size=100');
  const flow = (slug: string) => flows.body.results.find((f: { slug: string }) => f.slug === slug)?.pk;
  const provider = await core.api('POST', '/providers/proxy/', {
    name,
    authorization_flow: flow('default-provider-authorization-implicit-consent'),
    invalidation_flow: flow('default-invalidation-flow'),
    external_host: `https://${name}.example.com`,
    internal_host: `http://${name}-backend:8080`,
    ...extra,
  });
  assert.equal(provider.status, 201, JSON.stringify(provider.body));
  const app = await core.api('POST', '/core/applications/', { name, slug: name, provider: provider.body.pk });
  assert.equal(app.status, 201, JSON.stringify(app.body));
  return provider.body.pk as number;
}

/** Creates a proxy outpost serving `providers`; answers its uuid and its token key (read back via view_key). */
export async function createOutpost(core: TestCore, name: string, providers: number[]) {
  const outpost = await core.api('POST', '/outposts/instances/', {
    name,
    type: 'proxy',
    providers,
    config: {},
  });
  assert.equal(outpost.status, 201, JSON.stringify(outpost.body));
  const key = await core.api('GET', `/core/tokens/${outpost.body.token_identifier}/view_key/`);
  assert.equal(key.status, 200);
  return { uuid: outpost.body.pk as string, token: key.body.key as string };
}
