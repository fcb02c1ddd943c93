import type { apiClient } from './api-client.ts';

/** The built-in flows' pks by slug, as the API lists them (providers refer to flows by pk). */
export async function flowPks(api: ReturnType<typeof apiClient>): Promise<Record<string, string>> {
  const list = (await api.get('/api/v3/flows/instances/?page_size=100')).json() as {
    results: Array<{ slug: string; pk: string }>;
  };
  return Object.fromEntries(list.results.map((flow) => [flow.slug, flow.pk]));
}
