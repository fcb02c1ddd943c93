import {
  KeypairFingerprint,
  KeypairPem,
  type OutpostSelf,
  OutpostRootConfig,
  OutpostSelfPage,
} from '@palisade/schema/outpost-reads';
import type { Static } from '@sinclair/typebox';
import { type Checker, compileChecker, parseJson } from './checked.ts';
import type { CoreTransport } from './core-http.ts';

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

/** A page of a list endpoint, the part a paginating reader uses. */
export interface Page<T> {
  pagination: { next: number };
  results: T[];
}

/**
 * The JSON API of the core, as every outpost type uses it (spec §1.3, §1.4, §9.3). Every answer is parsed
 * and checked against its @palisade/schema shape before anything reads it: a body that is not JSON or does
 * not fit throws a CoreAnswerError naming the field, so the caller applies nothing of it.
 */
export interface CoreClient {
  /** `GET /outposts/instances/`: what this token's outpost looks like (the token sees only its own). */
  outposts(): Promise<OutpostSelf[]>;
  /** `GET /root/config/`. */
  rootConfig(): Promise<Static<typeof OutpostRootConfig>>;
  /** One GET under /api/v3/, its answer checked by `check`. */
  get<T>(path: string, check: Checker<T>): Promise<T>;
  /** Every page of a list, `pageSize` at a time, until `pagination.next` is 0; each page checked. */
  pages<T>(path: string, check: Checker<Page<T>>, pageSize: number): Promise<T[]>;
  /** `GET /crypto/certificatekeypairs/<uuid>/`: the fingerprint. */
  keypairFingerprint(uuid: string): Promise<string>;
  /** The PEM of `view_certificate/` or `view_private_key/` (empty for a pair without a key). */
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
/** More pages than this means the core keeps answering `next`: stop rather than loop forever. */
const MAX_PAGES = 1000;

const checkOutposts = compileChecker(OutpostSelfPage);
const checkRootConfig = compileChecker(OutpostRootConfig);
const checkFingerprint = compileChecker(KeypairFingerprint);
const checkPem = compileChecker(KeypairPem);

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

  async function call(method: 'GET' | 'POST', path: string, body?: unknown): Promise<unknown> {
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
    if (exchange.status === 204 || exchange.body.length === 0) return undefined;
    return parseJson(exchange.body.toString('utf8'), where);
  }

  const get = async <T>(path: string, check: Checker<T>): Promise<T> =>
    check(await call('GET', path), `GET ${new URL(path, api).pathname}`);
  const keypairPath = (uuid: string) => `crypto/certificatekeypairs/${encodeURIComponent(uuid)}/`;

  return {
    async outposts() {
      return (await get('outposts/instances/', checkOutposts)).results;
    },
    rootConfig: () => get('root/config/', checkRootConfig),
    get,
    async pages<T>(path: string, check: Checker<Page<T>>, pageSize: number) {
      const all: T[] = [];
      const separator = path.includes('?') ? '&' : '?';
      for (let page = 1, pages = 0; page !== 0; pages++) {
        if (pages >= MAX_PAGES) throw new Error(`${path}: more than ${MAX_PAGES} pages`);
        const answer = await get(`${path}${separator}page=${page}&page_size=${pageSize}`, check);
        all.push(...answer.results);
        page = answer.pagination.next;
      }
      return all;
    },
    async keypairFingerprint(uuid) {
      return (await get(keypairPath(uuid), checkFingerprint)).fingerprint_sha256 ?? '';
    },
    async keypairPem(uuid, part) {
      return (await get(`${keypairPath(uuid)}view_${part}/`, checkPem)).data;
    },
    async postEvent(event) {
      await call('POST', 'events/events/', event);
    },
  };
}
