import assert from 'node:assert/strict';
import type { EchoedRequest } from '../echo-backend.ts';
import { headerOf, type RawResponse, rawRequest } from './raw-http.ts';
import type { Visitor } from './visitor.ts';
import type { AttackWorld, Hosts } from './world.ts';

/** The sessions the suite opens before attacking, each in its own visitor (its own core session). */
export interface Sessions {
  /** alice, signed in at `one`, `two` and `short` (one core session). */
  alice: Visitor;
  /** mallory, signed in at `two` only (`one`'s policy refuses her). */
  mallory: Visitor;
  /** alice in a third core session, signed in at `one`: the open-redirect walks. */
  wanderer: Visitor;
  /** A new visitor with no session at all. */
  stranger: () => Visitor;
  /** A new alice session (its own core session) signed in at `one`, for the attacks that end sessions. */
  leaving: () => Promise<Visitor>;
  /** When alice's `short` session was opened (ms since the epoch). */
  shortSignedInAt: number;
}

/** What an attack gets: the stack, the open sessions, a way to send anything, and the secrets sink. */
export interface AttackContext {
  world: AttackWorld;
  sessions: Sessions;
  /** Records a value that must never appear in the logs. */
  secret(kind: string, value: string): void;
  /**
   * Sends one request to the front door for `app` (`Host` is that application's unless the attack sets its
   * own) and finds what the application received for it, tagged by a unique `X-Attack-Id`.
   */
  send(app: keyof Hosts, request: Outgoing): Promise<Sent>;
}

/** One crafted request. */
export interface Outgoing {
  target: string;
  headers?: Array<[string, string]>;
  /** Replaces the Host header (`null`: send none). */
  host?: string | null;
  method?: string;
  /** Sent to this port instead of the front door's (the outpost, directly). */
  port?: number;
}

/** What came back, and what the application saw (undefined: it saw nothing). */
export interface Sent {
  response: RawResponse;
  received: EchoedRequest | undefined;
}

/** One attack: a name the test output shows, its class, and what it does and asserts. */
export interface Attack {
  name: string;
  run(ctx: AttackContext): Promise<void>;
  /** Only for some stacks (e.g. the outpost's forward-auth endpoints exist only in the forward modes). */
  only?: (kind: AttackWorld['kind']) => boolean;
}

/** A class of attacks, with its variants. */
export interface AttackClass {
  name: string;
  attacks: Attack[];
}

let counter = 0;

/** Builds ctx.send for a world. */
export function sender(world: AttackWorld): AttackContext['send'] {
  return async (app, request) => {
    const id = `attack-${process.pid}-${++counter}`;
    const origin = new URL(world.origins[app]);
    const headers: Array<[string, string]> = [];
    if (request.host !== null) headers.push(['Host', request.host ?? origin.host]);
    headers.push(...(request.headers ?? []), ['X-Attack-Id', id]);
    const response = await rawRequest({
      port: request.port ?? Number(origin.port),
      method: request.method,
      target: request.target,
      headers,
    });
    const received = world.echo.received.find((r) => r.headers['x-attack-id'] === id);
    return { response, received };
  };
}

/** The Cookie header value of a visitor's outpost session for `app` (the `authentik_proxy_*` cookies). */
export function sessionCookie(ctx: AttackContext, visitor: Visitor, app: keyof Hosts): string {
  const cookies = visitor.cookies(new URL(ctx.world.origins[app]).hostname, 'authentik_proxy_');
  assert.ok(cookies.length > 0, `no outpost session cookie for ${app}`);
  return cookies.map(([n, v]) => `${n}=${v}`).join('; ');
}

const describe = (sent: Sent) =>
  `${sent.response.status} ${headerOf(sent.response, 'location') ?? ''} ${sent.response.body.slice(0, 160)}`;

/**
 * The request was refused: nothing reached the application, and the client got a refusal it can act on — a
 * redirect into sign-in (the outpost's start, or the core's authorize endpoint), or a 400/401/403. Never a 5xx.
 */
export function assertRefused(sent: Sent, why: string): void {
  assert.equal(sent.received, undefined, `${why}: the application received ${JSON.stringify(sent.received)}`);
  const { status } = sent.response;
  const location = headerOf(sent.response, 'location') ?? '';
  const toSignIn = /\/outpost\.goauthentik\.io\/start|\/application\/o\/authorize\//.test(location);
  assert.ok(
    (status >= 300 && status < 400 && toSignIn) || status === 400 || status === 401 || status === 403,
    `${why}: the client got ${describe(sent)}`,
  );
}

/** The identity headers the application received, by lowercased name. */
export function identityOf(received: EchoedRequest): Record<string, string> {
  return Object.fromEntries(
    Object.entries(received.headers)
      .filter(([name]) => name.startsWith('x-authentik-') || name.startsWith('x_authentik_'))
      .map(([name, value]) => [name, Array.isArray(value) ? value.join(',') : (value ?? '')]),
  );
}

/**
 * The request reached the application as `username`'s (`''`: as nobody: no identity header carries a value)
 * and nothing the application received carries `marker` in any header.
 */
export function assertServedAs(sent: Sent, username: string, why: string, marker?: string): void {
  assert.ok(sent.received, `${why}: the application received nothing; the client got ${describe(sent)}`);
  assert.equal(sent.response.status, 200, `${why}: the client got ${describe(sent)}`);
  const identity = identityOf(sent.received);
  if (username)
    assert.equal(identity['x-authentik-username'], username, `${why}: ${JSON.stringify(identity)}`);
  else
    assert.deepEqual(
      Object.entries(identity).filter(([, v]) => v !== ''),
      [],
      `${why}: an anonymous request carried identity headers`,
    );
  if (marker)
    for (const [name, value] of Object.entries(sent.received.headers))
      assert.ok(
        !String(value).includes(marker),
        `${why}: the client's value reached the application as ${name}: ${String(value)}`,
      );
}
