/**
 * The interface between the shared outpost runtime (this folder) and one outpost type (a folder beside it:
 * proxy/, later ldap/, radius/, rac/). The runtime finds the outpost, keeps the websocket, refreshes, serves
 * /metrics and shuts down; a module serves its type's protocol. See docs/outposts.md, "Outpost types".
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { OutpostSelf } from '@palisade/schema/outpost-reads';
import type { Registry } from 'prom-client';
import type { CoreClient, OutpostEvent } from './core-client.ts';
import type { CoreFetch } from './core-fetch.ts';
import type { OutpostEnv } from './env.ts';
import type { KeypairCache } from './keypairs.ts';
import type { Listener } from './listeners.ts';
import type { Logger } from './logger.ts';

/** What the runtime hands a module when it creates it. */
export interface ModuleContext {
  /** The environment, validated (listen addresses among it). */
  env: Readonly<OutpostEnv>;
  /** The core's API; every answer is checked against its schema on arrival. */
  client: CoreClient;
  /** Back-channel HTTP to the core (OAuth2 token, introspection, JWKS), Host forced as spec §2.4 says. */
  coreFetch: CoreFetch;
  /** The keypairs of the configuration, fetched again only when their fingerprint changes. */
  keypairs: KeypairCache;
  /** Posts an event to the core; never throws (a failure is logged). */
  postEvent(event: OutpostEvent): void;
  /** The registry /metrics serves: a module registers its own metrics here. */
  registry: Registry;
  /** The outpost's name as last fetched (a metrics label). */
  outpostName(): string;
  log: Logger;
  /** `goauthentik.io/outpost/<version>`: the User-Agent towards the core. */
  version: string;
  /** Runs inside the core (the embedded outpost): no ports of its own, the core's URL as its host. */
  embedded: boolean;
  /** Sends a HELLO now (RAC: the count of live connections changed, so the core picks instances well). */
  sayHello(): void;
}

/** HTTP a module takes on a port its host shares with it (the core's, for the embedded outpost). */
export interface SharedPortHttp {
  /** Whether this request is the outpost's rather than the host's. */
  wouldHandle(req: IncomingMessage): boolean;
  handleRequest(req: IncomingMessage, res: ServerResponse): void;
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void;
  /** How many applications it serves (for the host's log). */
  readonly applicationCount: number;
}

/**
 * One outpost type, running. `load` fetches everything the type serves and checks it; `apply` then swaps it
 * in at once. The runtime calls `load` and `apply` one refresh at a time, and `apply` only after `load`
 * resolved: an answer that does not fit rejects `load`, and the last configuration keeps serving.
 */
export interface OutpostModule<Config = unknown> {
  /** Opens the type's own ports (not called when embedded); resolves once they listen. */
  start(): Promise<Listener[]>;
  /** Fetches and checks the type's configuration for `outpost` (providers, certificates…). */
  load(outpost: OutpostSelf): Promise<Config>;
  /** Applies a loaded configuration, whole. */
  apply(outpost: OutpostSelf, config: Config): void;
  /** A one-line summary of a loaded configuration for the log (`{providers: 3}`). */
  describe(config: Config): Record<string, unknown>;
  /** SESSION_END: the core session whose key digest is `sid` ended. */
  endSession(sid: string): void;
  /** PROVIDER_SPECIFIC: a type-specific instruction (RAC's connection requests); others log and ignore it. */
  providerSpecific(args: Record<string, unknown>): void;
  /** Fields the type adds to every HELLO's args (RAC: `active_connections`). */
  helloArgs?(): Record<string, unknown>;
  /** What the embedded outpost hands the core's port, when the type serves HTTP. */
  readonly http?: SharedPortHttp;
  /** Stops whatever `start` did not (timers, pools); listeners are closed by the runtime. */
  stop(): Promise<void>;
}

/** How a type's folder exports its module: `src/<type>/module.ts` exports `outpostModule`. */
export interface OutpostModuleFactory {
  /** The outpost `type` this module serves (`proxy`, `ldap`, `radius`, `rac`). */
  readonly type: string;
  create(ctx: ModuleContext): OutpostModule;
}
