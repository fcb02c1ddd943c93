/**
 * The console's only way to the server: the REST API under /api/v3/, with the session cookie and, on unsafe
 * methods, the CSRF header echoing the `palisade_csrf` cookie (see packages/core/src/http/csrf.ts).
 */

import type { FieldErrors } from './field-errors.ts';

export type { FieldErrors };

/** A non-2xx answer of the API, with its parsed body. */
export class ApiError extends Error {
  readonly status: number;
  readonly body: Record<string, unknown>;
  constructor(status: number, body: Record<string, unknown>) {
    super(typeof body.detail === 'string' ? body.detail : `The server answered ${status}.`);
    this.status = status;
    this.body = body;
  }
  /** The per-field messages of a 400 (empty for other errors). */
  get fieldErrors(): FieldErrors {
    if (this.status !== 400) return {};
    const out: FieldErrors = {};
    for (const [key, value] of Object.entries(this.body)) {
      if (key === 'code' || key === 'detail') continue;
      if (Array.isArray(value)) out[key] = value.map(String);
      else if (typeof value === 'string') out[key] = [value];
      else if (value && typeof value === 'object') out[key] = [JSON.stringify(value)];
    }
    return out;
  }
}

/** The paginated envelope of every list. */
export interface Page<T> {
  pagination: { count: number; current: number; total_pages: number; start_index: number; end_index: number };
  results: T[];
}

const SIGN_IN = '/if/flow/default-authentication-flow/';

/** The CSRF token the core left in its cookie when it served the page. */
export function csrfToken(): string {
  const match = document.cookie.split('; ').find((c) => c.startsWith('palisade_csrf='));
  return match ? decodeURIComponent(match.slice('palisade_csrf='.length)) : '';
}

/** Calls the API; resolves with the JSON body (undefined for 204), rejects with an ApiError. */
export async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET') headers['x-palisade-csrf'] = csrfToken();
  const response = await fetch(`/api/v3${path}`, {
    method,
    headers,
    credentials: 'same-origin',
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  const parsed = text ? (JSON.parse(text) as unknown) : undefined;
  if (!response.ok) {
    const errorBody = (parsed && typeof parsed === 'object' ? parsed : {}) as Record<string, unknown>;
    // The session ended (signed out elsewhere, expired): sign in again and come back here.
    if (
      response.status === 403 &&
      ['not_authenticated', 'authentication_failed'].includes(String(errorBody.code))
    ) {
      location.assign(`${SIGN_IN}?next=${encodeURIComponent(location.pathname + location.search)}`);
    }
    throw new ApiError(response.status, errorBody);
  }
  return parsed as T;
}

/** Builds a query string from the defined, non-empty values. */
export function query(params: Record<string, string | number | boolean | undefined>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== '') search.set(key, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}

/** Creates an object in the collection at `path` (POST), or replaces the one with `pk` in it (PUT). */
export function saveTo<T>(path: string, pk: string | number | undefined, body: unknown): Promise<T> {
  return pk === undefined ? api<T>('POST', path, body) : api<T>('PUT', `${path}${pk}/`, body);
}
