/**
 * Many applications and several outposts on one core, through its admin API (as forward-auth-stack.ts
 * does for a few): for the benchmarks of memory and of configuration size.
 */
import type { ForwardAuthStack } from '../../e2e/src/forward-auth-stack.ts';

/** Host of the n-th provisioned application. */
export const appHost = (index: number): string => `app-${index}.bench.test`;

/** Runs `work` over `items`, `concurrency` at a time. */
async function inPool<T, R>(
  items: readonly T[],
  concurrency: number,
  work: (item: T) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return results;
}

/** Creates forward_single providers and applications `from` … `to - 1`; answers their provider pks in order. */
export async function provisionApps(stack: ForwardAuthStack, from: number, to: number): Promise<number[]> {
  const flows = (
    await stack.api<{ results: Array<{ slug: string; pk: string }> }>(
      'GET',
      '/flows/instances/?page_size=100',
    )
  ).results;
  const flow = (slug: string) => flows.find((f) => f.slug === slug)?.pk;
  const indexes = Array.from({ length: Math.max(0, to - from) }, (_, i) => from + i);
  return inPool(indexes, 8, async (index) => {
    const provider = await stack.api<{ pk: number }>('POST', '/providers/proxy/', {
      name: `app-${index} provider`,
      authorization_flow: flow('default-provider-authorization-implicit-consent'),
      invalidation_flow: flow('default-invalidation-flow'),
      external_host: `http://${appHost(index)}`,
      mode: 'forward_single',
    });
    await stack.api('POST', '/core/applications/', {
      name: `app-${index}`,
      slug: `app-${index}`,
      provider: provider.pk,
    });
    return provider.pk;
  });
}

/** The provider pks of every proxy provider, by name. */
export async function proxyProviderPks(stack: ForwardAuthStack): Promise<Map<string, number>> {
  const pks = new Map<string, number>();
  for (let page = 1; ; page++) {
    const body = await stack.api<{
      results: Array<{ pk: number; name: string }>;
      pagination: { next: number };
    }>('GET', `/providers/proxy/?page_size=100&page=${page}`);
    for (const p of body.results) pks.set(p.name, p.pk);
    if (!body.pagination.next) return pks;
  }
}

/** A proxy outpost serving `providers`; answers its token key. */
export async function addOutpost(
  stack: ForwardAuthStack,
  name: string,
  providers: number[],
): Promise<string> {
  const outpost = await stack.api<{ token_identifier: string }>('POST', '/outposts/instances/', {
    name,
    type: 'proxy',
    providers,
    config: { authentik_host: stack.core.url },
  });
  const { key } = await stack.api<{ key: string }>(
    'GET',
    `/core/tokens/${outpost.token_identifier}/view_key/`,
  );
  return key;
}
