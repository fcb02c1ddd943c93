import type { CertificateKeyPair, Outpost, ProxyOutpostConfig, RootConfig } from '@palisade/schema';
import type { Static } from '@sinclair/typebox';
import type { OutpostInfo, ProxyProviderConfig } from '../proxy/types.ts';
import { type CoreTransport, CoreUnreachableError } from './core-http.ts';

/** An answer of the core's API other than 2xx, with what its error body said (never the token). */
export class CoreApiError extends Error {
  override name = 'CoreApiError';
  readonly status: number;
  constructor(where: string, status: number, detail: string) {
    super(`${where}: ${status}${detail ? ` (${detail})` : ''}`);
    this.status = status;
  }
}

/** An event as an outpost posts it (the contract's EventRequest, the fields outposts send). */
export interface OutpostEvent {
  action: string;
  app: string;
  client_ip: string;
  context: Record<string, unknown>;
}

/** The JSON API of the core, as the proxy outpost uses it (spec §1.3, §1.4, §9.3). */
export interface CoreClient {
  /** `GET /outposts/instances/`: what this token's outpost looks like (the token sees only its own). */
  outposts(): Promise<OutpostInfo[]>;
  /** `GET /root/config/`. */
  rootConfig(): Promise<Static<typeof RootConfig>>;
  /** Every page of `GET /outposts/proxy/`, `page_size` at a time, until `pagination.next` is 0. */
  proxyProviders(pageSize?: number): Promise<ProxyProviderConfig[]>;
  /** `GET /crypto/certificatekeypairs/<uuid>/`. */
  keypair(uuid: string): Promise<Static<typeof CertificateKeyPair>>;
  /** The PEM of `view_certificate/` or `view_private_key/`. */
  keypairPem(uuid: string, part: 'certificate' | 'private_key'): Promise<string>;
  /** `POST /events/events/`. */
  postEvent(event: OutpostEvent): Promise<void>;
}

/** How the client talks to the core. */
export interface CoreClientOptions {
  host: URL;
  token: string;
  userAgent: string;
  transport: CoreTransport;
  timeoutMs?: number;
  /** Largest answer read; a page of 100 providers is about 300 KiB. */
  maxResponseBytes?: number;
}

const DEFAULT_TIMEOUT_MS = 15_000;
const DEFAULT_MAX_RESPONSE_BYTES = 8 * 1024 * 1024;
/** Page size of /outposts/proxy/ (as the reference asks for). */
export const PROVIDER_PAGE_SIZE = 100;
/** More pages than this means the core keeps answering `next`: stop rather than loop forever. */
const MAX_PAGES = 1000;

/** The contract's paginated list, the parts read here. */
interface Page<T> {
  pagination: { next: number };
  results: T[];
}

/** The part of an API error body worth a log line: `detail`, else the first field message, bounded. */
function errorDetail(body: Buffer): string {
  try {
    const parsed = JSON.parse(body.toString('utf8')) as Record<string, unknown>;
    const detail = parsed.detail ?? Object.values(parsed).flat()[0];
    return typeof detail === 'string' ? detail.slice(0, 200) : '';
  } catch {
    return '';
  }
}

/** Builds the API client. Every call carries the bearer token and the outpost's User-Agent (spec §1.3). */
export function createCoreClient(options: CoreClientOptions): CoreClient {
  const api = new URL('api/v3/', options.host);
  const headers = {
    authorization: `Bearer ${options.token}`,
    'user-agent': options.userAgent,
    accept: 'application/json',
  };

  async function call<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
    const url = new URL(path, api);
    const where = `${method} ${url.pathname}`;
    const exchange = await options.transport.request(url, {
      method,
      headers: body === undefined ? headers : { ...headers, 'content-type': 'application/json' },
      body: body === undefined ? undefined : Buffer.from(JSON.stringify(body)),
      timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      maxResponseBytes: options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES,
    });
    if (exchange.status < 200 || exchange.status >= 300) {
      throw new CoreApiError(where, exchange.status, errorDetail(exchange.body));
    }
    if (exchange.status === 204 || exchange.body.length === 0) return undefined as T;
    try {
      return JSON.parse(exchange.body.toString('utf8')) as T;
    } catch {
      throw new CoreUnreachableError(`${where}: the answer is not JSON (is AUTHENTIK_HOST the core?)`);
    }
  }

  return {
    async outposts() {
      const page = await call<Page<Static<typeof Outpost>>>('GET', 'outposts/instances/');
      // The schema's Outpost is a superset of what the runtime reads (OutpostInfo).
      return page.results as OutpostInfo[];
    },
    rootConfig: () => call('GET', 'root/config/'),
    async proxyProviders(pageSize = PROVIDER_PAGE_SIZE) {
      const all: ProxyProviderConfig[] = [];
      for (let page = 1, pages = 0; page !== 0; pages++) {
        if (pages >= MAX_PAGES) throw new Error(`outposts/proxy/: more than ${MAX_PAGES} pages`);
        const answer = await call<Page<Static<typeof ProxyOutpostConfig>>>(
          'GET',
          `outposts/proxy/?page=${page}&page_size=${pageSize}`,
        );
        // The schema's assigned_application_* are strings; the runtime's type also allows null.
        all.push(...(answer.results as ProxyProviderConfig[]));
        page = answer.pagination.next;
      }
      return all;
    },
    keypair: (uuid) => call('GET', `crypto/certificatekeypairs/${encodeURIComponent(uuid)}/`),
    async keypairPem(uuid, part) {
      const answer = await call<{ data: string }>(
        'GET',
        `crypto/certificatekeypairs/${encodeURIComponent(uuid)}/view_${part}/`,
      );
      return answer.data;
    },
    async postEvent(event) {
      await call('POST', 'events/events/', event);
    },
  };
}
