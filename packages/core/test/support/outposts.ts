import { randomBytes } from 'node:crypto';
import WebSocket from 'ws';
import type { Database } from '../../src/db/database.ts';
import { queryOne, type Queryable } from '../../src/db/database.ts';
import { createSecretBox, type SecretBox } from '../../src/identity/secret-box.ts';
import { insertToken } from '../../src/identity/tokens-repository.ts';
import { insertUser } from '../../src/identity/users-repository.ts';
import { outpostUsername } from '../../src/outposts/service-account.ts';
import { PROVIDER_KINDS } from '../../src/outposts/provider-types.ts';
import type { ProviderKind } from '../../src/outposts/provider-types.ts';

/**
 * A provider of `kind` for outpost tests (an LDAP one with a base DN of its own). A kind whose table is
 * not merged yet gets a bare subtable (provider_id only), which is all the outposts domain reads; a kind
 * whose real table exists gets its row with the table's defaults.
 */
export async function insertTestProvider(
  db: Database,
  kind: ProviderKind,
  name: string,
  box?: SecretBox,
): Promise<number> {
  const table = PROVIDER_KINDS[kind].table;
  await db.query(
    `CREATE TABLE IF NOT EXISTS ${table} (provider_id integer PRIMARY KEY REFERENCES providers (id) ON DELETE CASCADE)`,
  );
  const rows = await db.query<{ id: number }>(
    `INSERT INTO providers (name, authorization_flow, invalidation_flow)
     VALUES ($1, (SELECT uuid FROM flows WHERE slug = 'default-provider-authorization-implicit-consent'),
       (SELECT uuid FROM flows WHERE slug = 'default-invalidation-flow'))
     RETURNING id`,
    [name],
  );
  const id = rows[0]?.id;
  if (id === undefined) throw new Error('provider insert returned no row');
  // A RADIUS provider's one column without a default: its sealed shared secret.
  if (kind === 'radius')
    await db.query('INSERT INTO radius_providers (provider_id, shared_secret_sealed) VALUES ($1, $2)', [
      id,
      (box ?? createSecretBox('test')).seal('testing123'),
    ]);
  else await db.query(`INSERT INTO ${table} (provider_id) VALUES ($1)`, [id]);
  // One outpost's LDAP providers need distinct base DNs (ldap/ldap-providers.ts).
  if (kind === 'ldap')
    await db.query('UPDATE ldap_providers SET base_dn = $2 WHERE provider_id = $1', [
      id,
      `dc=p${id},dc=test`,
    ]);
  return id;
}

/** An outpost made for a test, with its service account and that account's api token. */
export interface TestOutpost {
  uuid: string;
  userId: number;
  token: string;
}

/**
 * Inserts an outpost, its service account and an api token as the outposts API makes them, with a token key
 * the test knows, optionally bound to providers.
 */
export async function insertTestOutpost(
  db: Queryable,
  box: SecretBox,
  name: string,
  providerIds: number[] = [],
): Promise<TestOutpost> {
  const row = await queryOne<{ uuid: string }>(db, 'INSERT INTO outposts (name) VALUES ($1) RETURNING uuid', [
    name,
  ]);
  if (!row) throw new Error('no outpost inserted');
  const user = await insertUser(db, {
    username: outpostUsername(row),
    name: `Outpost ${name} Service-Account`,
    type: 'internal_service_account',
    path: 'goauthentik.io/outposts',
  });
  const token = randomBytes(30).toString('base64url');
  await insertToken(db, box, {
    identifier: `ak-outpost-${row.uuid}-api`,
    intent: 'api',
    userId: user.id,
    key: token,
    expiring: false,
    managed: `goauthentik.io/outpost/ak-outpost-${row.uuid}-api`,
  });
  for (const id of providerIds) await bindProvider(db, row.uuid, id);
  return { uuid: row.uuid, userId: user.id, token };
}

/** Adds a provider to an outpost (what the outposts API's `providers` field will write). */
export async function bindProvider(db: Queryable, outpostUuid: string, providerId: number): Promise<void> {
  await db.query('INSERT INTO outpost_providers (outpost_uuid, provider_id) VALUES ($1, $2)', [
    outpostUuid,
    providerId,
  ]);
}

/** A frame the core sent. */
export interface Frame {
  instruction: number;
  args?: Record<string, unknown>;
}

/** A connected outpost instance as a test drives it: what arrived, what to wait for, what to send. */
export interface TestInstance {
  ws: WebSocket;
  frames: Frame[];
  /** Resolves with the first frame (already arrived or arriving) after `from` that matches. */
  waitFor(match: (frame: Frame) => boolean, options?: { from?: number; timeoutMs?: number }): Promise<Frame>;
  /** The frames with this instruction received so far. */
  count(instruction: number): number;
  sendJson(value: unknown): void;
  close(): Promise<void>;
}

/** The websocket URL of an outpost on a core at `baseUrl` (http://…). */
export function outpostSocketUrl(baseUrl: string, outpostUuid: string, instanceUuid?: string): string {
  const url = new URL(`/ws/outpost/${outpostUuid}/`, baseUrl.replace(/^http/, 'ws'));
  if (instanceUuid) url.searchParams.set('instance_uuid', instanceUuid);
  return url.toString();
}

/** Connects as an outpost instance; rejects with the HTTP status when the core refuses the handshake. */
export async function connectInstance(
  url: string,
  headers: Record<string, string>,
  options: { autoPong?: boolean } = {},
): Promise<TestInstance> {
  const ws = new WebSocket(url, { headers, autoPong: options.autoPong ?? true });
  const frames: Frame[] = [];
  const waiters = new Set<() => void>();
  ws.on('message', (data) => {
    frames.push(JSON.parse(data.toString()) as Frame);
    for (const wake of waiters) wake();
  });
  await opened(ws);
  return {
    ws,
    frames,
    count: (instruction) => frames.filter((f) => f.instruction === instruction).length,
    waitFor(match, { from = 0, timeoutMs = 5000 } = {}) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const found = frames.slice(from).find(match);
          if (!found) return;
          clearTimeout(timer);
          waiters.delete(check);
          resolve(found);
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`no matching frame within ${timeoutMs} ms; got ${JSON.stringify(frames)}`));
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
    sendJson: (value) => ws.send(JSON.stringify(value)),
    async close() {
      if (ws.readyState === WebSocket.CLOSED) return;
      const closed = new Promise((resolve) => ws.once('close', resolve));
      ws.close();
      await closed;
    },
  };
}

/** Resolves once a client socket is open; rejects with HandshakeRefused when the core refuses the upgrade. */
export function opened(ws: WebSocket): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('unexpected-response', (_req, res) => reject(new HandshakeRefused(res.statusCode ?? 0)));
    ws.once('error', reject);
  });
}

/** The core refused a websocket handshake with this HTTP status. */
export class HandshakeRefused extends Error {
  readonly status: number;
  constructor(status: number) {
    super(`handshake refused with ${status}`);
    this.status = status;
  }
}

/** The status a handshake is refused with, or 101 when it is accepted (the socket is closed again). */
export async function handshakeStatus(url: string, headers: Record<string, string>): Promise<number> {
  try {
    const instance = await connectInstance(url, headers);
    await instance.close();
    return 101;
  } catch (error) {
    if (error instanceof HandshakeRefused) return error.status;
    throw error;
  }
}
