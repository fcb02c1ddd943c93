/**
 * The contract between the proxy outpost's parts: what the core delivers (outpost and provider
 * configuration, whose shapes come from @palisade/schema and are checked on arrival), and what the proxy
 * runtime offers the proxy module (module.ts) that feeds it. The shared runtime (src/process/) fetches
 * configuration and keeps the websocket; this runtime answers HTTP.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { SecureContext } from 'node:tls';
import type { OpenIDConnectConfiguration, ProxyOutpostConfig } from '@palisade/schema';
import type { OutpostSelf } from '@palisade/schema/outpost-reads';
import type { Static } from '@sinclair/typebox';
import type { Logger } from '../process/logger.ts';
import type { TlsKeypair } from '../process/keypairs.ts';

/** The outpost itself, as `GET /api/v3/outposts/instances/` delivers it (checked on arrival). */
export type OutpostInfo = OutpostSelf;

/** The OpenID configuration of a provider's application, as the core delivers it. */
export type OidcConfiguration = Static<typeof OpenIDConnectConfiguration>;

/**
 * One provider a proxy outpost serves, as `GET /api/v3/outposts/proxy/` delivers it (the contract's
 * ProxyOutpostConfig, checked on arrival; see spec proxy-outpost.md §2.1).
 */
export type ProxyProviderConfig = Static<typeof ProxyOutpostConfig>;

export type { TlsKeypair } from '../process/keypairs.ts';
export type { Logger } from '../process/logger.ts';

/** The claims a signed-in session carries (spec §5.3), as decoded from the verified access token. */
export interface SessionClaims {
  sub: string;
  exp: number;
  email?: string;
  email_verified?: boolean;
  name?: string;
  preferred_username?: string;
  groups?: string[];
  entitlements?: string[];
  sid?: string;
  ak_proxy?: {
    user_attributes?: Record<string, unknown>;
    backend_override?: string;
    host_header?: string;
    is_superuser?: boolean;
  };
  /** The verified token itself (sent upstream as X-authentik-jwt). */
  raw_token: string;
}

/** Observations the runtime reports; the process turns them into Prometheus metrics (spec §8). */
export interface ProxyMetrics {
  /** One request answered; `host` must be a configured application host or "unknown" (bounded labels). */
  request(labels: { method: string; host: string; type: 'app' | 'ping' | 'static' }, seconds: number): void;
  /** One upstream response in proxy mode. */
  upstream(
    labels: { method: string; scheme: string; host: string; upstream_host: string },
    seconds: number,
  ): void;
  /** One failed sign-in (callback refused), by provider name and a bounded reason; optional. */
  signInFailure?(labels: { provider: string; reason: string }): void;
}

/** What the process gives the runtime. */
export interface ProxyRuntimeOptions {
  /** `goauthentik.io/outpost/<version>`-style version, for X-authentik-meta-version and User-Agent. */
  version: string;
  /** AUTHENTIK_HOST_BROWSER: replaces scheme and host of the authorize and end-session URLs (spec §2.4). */
  hostBrowser?: URL;
  /** The embedded outpost: authorize, end-session and issuer use the outpost's config.authentik_host. */
  embedded: boolean;
  /**
   * Back-channel HTTP to the core (token endpoint, introspection, JWKS), already set up by the process:
   * TLS verification per AUTHENTIK_INSECURE, the Host header forced as spec §2.4 says.
   */
  coreFetch: (url: string, init?: RequestInit) => Promise<Response>;
  /** Posts an event to the core (`configuration_error`, spec §9.3); never throws. */
  postEvent: (event: {
    action: string;
    app: string;
    client_ip: string;
    context: Record<string, unknown>;
  }) => void;
  metrics: ProxyMetrics;
  log: Logger;
  /**
   * Peers whose X-Forwarded-* headers are believed (CIDRs, e.g. the reverse proxy's address). Empty: trust
   * none in proxy mode. Forward-auth endpoints read X-Forwarded-* / X-Original-* from their caller by design.
   */
  trustedProxyCidrs: readonly string[];
  /** The clock, injectable for tests (milliseconds). */
  now?: () => number;
}

/** The proxy outpost's HTTP side, fed configuration by the process. */
export interface ProxyRuntime {
  /** Replaces every application at once from a fresh configuration (atomic swap; the old ones stop). */
  update(
    outpost: OutpostInfo,
    providers: readonly ProxyProviderConfig[],
    certificates: ReadonlyMap<string, TlsKeypair>,
  ): void;
  /** SESSION_END from the core: every session whose claims carry this `sid` is signed out, everywhere. */
  endSession(sid: string): void;
  /** Answers one request on ports 9000/9443. Never throws; an internal error fails closed (401/redirect). */
  handleRequest(req: IncomingMessage, res: ServerResponse): void;
  /**
   * For the embedded outpost, which shares the core's port: whether a request is the outpost's (controllers.md
   * §8): any path under `/outpost.goauthentik.io`, or a host that is one of its applications' (exactly, or
   * under a domain-mode cookie domain) with a callback or sign-out signature in the query, or an application
   * in proxy mode.
   */
  wouldHandle(req: IncomingMessage): boolean;
  /** Answers an HTTP upgrade (websockets, proxy mode only). */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void;
  /** The TLS context for a server name (SNI): the provider's certificate, else the self-signed fallback. */
  secureContextFor(servername: string): SecureContext;
  /** How many applications are configured (for logs and health). */
  readonly applicationCount: number;
}

/** What the reverse proxy (proxy mode) needs to send one request upstream. */
export interface UpstreamRequest {
  provider: ProxyProviderConfig;
  /** The signed-in user, if any (allow-listed paths may pass without one). */
  claims: SessionClaims | undefined;
  /** The identity headers to set on the upstream request (already computed, §5.1; empty without claims). */
  identityHeaders: Readonly<Record<string, string>>;
  /** The scheme and host the client used (for X-Forwarded-Proto/Host), after trusted-proxy rules. */
  clientScheme: 'http' | 'https';
  clientHost: string;
  /** The client's address (for X-Forwarded-For), after trusted-proxy rules. */
  clientAddress: string;
  /** The provider's session cookie name(s), never passed upstream. */
  sessionCookieNames: readonly string[];
  /** Whether header auth succeeded (then the client's Authorization header is not passed upstream). */
  consumedAuthorization: boolean;
}

/** Proxy mode's upstream side (src/proxy/reverse-proxy.ts). */
export interface ReverseProxy {
  /** Streams the request to the provider's internal_host and the answer back; 502 page on failure. */
  forward(req: IncomingMessage, res: ServerResponse, upstream: UpstreamRequest): void;
  /** Passes an upgrade (websocket) through to the upstream. */
  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer, upstream: UpstreamRequest): void;
  /** Drops pooled connections of providers that are gone (called after update()). */
  retain(providerPks: ReadonlySet<number>): void;
}
