/**
 * The contract between the proxy outpost's parts: what the core delivers (outpost and provider
 * configuration), and what the proxy runtime offers the process that runs it (standalone or embedded in the
 * core). The process (src/process/) fetches configuration and keeps the websocket; the runtime (src/proxy/)
 * answers HTTP.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { SecureContext } from 'node:tls';

/** The outpost itself, as `GET /api/v3/outposts/instances/` delivers it (fields the outpost uses). */
export interface OutpostInfo {
  pk: string;
  name: string;
  managed: string | null;
  config: Record<string, unknown> & { authentik_host?: string; log_level?: string };
  refresh_interval_s: number;
}

/** The OpenID configuration of a provider's application, as the core delivers it. */
export interface OidcConfiguration {
  issuer: string;
  authorization_endpoint: string;
  token_endpoint: string;
  userinfo_endpoint: string;
  end_session_endpoint: string;
  introspection_endpoint: string;
  jwks_uri: string;
  response_types_supported: string[];
  id_token_signing_alg_values_supported: string[];
  subject_types_supported: string[];
  token_endpoint_auth_methods_supported: string[];
}

/**
 * One provider a proxy outpost serves, as `GET /api/v3/outposts/proxy/` delivers it (the contract's
 * ProxyOutpostConfig; see spec proxy-outpost.md §2.1).
 */
export interface ProxyProviderConfig {
  pk: number;
  name: string;
  internal_host: string;
  external_host: string;
  internal_host_ssl_validation: boolean;
  client_id: string;
  client_secret: string;
  oidc_configuration: OidcConfiguration;
  cookie_secret: string;
  certificate: string | null;
  skip_path_regex: string;
  basic_auth_enabled: boolean;
  basic_auth_password_attribute: string;
  basic_auth_user_attribute: string;
  mode: 'proxy' | 'forward_single' | 'forward_domain';
  cookie_domain: string;
  /** Seconds; the session lifetime before sign-in completes. */
  access_token_validity: number | null;
  intercept_header_auth: boolean;
  scopes_to_request: string[];
  assigned_application_slug: string | null;
  assigned_application_name: string | null;
}

/** A TLS certificate and key (PEM) for one provider, fetched from the core's certificate views. */
export interface TlsKeypair {
  certificatePem: string;
  privateKeyPem: string;
}

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

/** A structured logger (pino's interface, the part the outpost uses). */
export interface Logger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
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
