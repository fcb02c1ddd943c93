import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { assertContract } from './contract.ts';

/**
 * Calls the API through `inject` with a set of headers, checking every response against the contract, so
 * each test exercises the contract without repeating the check.
 */
export function apiClient(app: FastifyInstance, headers: Record<string, string>) {
  async function call(method: string, url: string, body?: unknown): Promise<LightMyRequestResponse> {
    const res = await app.inject({
      method: method as 'GET',
      url,
      headers: { ...headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      payload: body === undefined ? undefined : JSON.stringify(body),
    });
    assertContract(method, url, res);
    return res;
  }
  return {
    get: (url: string) => call('GET', url),
    post: (url: string, body: unknown = {}) => call('POST', url, body),
    put: (url: string, body: unknown) => call('PUT', url, body),
    patch: (url: string, body: unknown) => call('PATCH', url, body),
    delete: (url: string) => call('DELETE', url),
  };
}
