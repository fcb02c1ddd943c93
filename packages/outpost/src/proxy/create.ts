import { createReverseProxy } from './reverse-proxy.ts';
import { createProxyRuntime } from './runtime.ts';
import type { ProxyRuntime, ProxyRuntimeOptions } from './types.ts';

/**
 * The proxy outpost's HTTP side as the process runs it, standalone or embedded in the core: the runtime
 * (routing, sessions, forward auth) over proxy mode's reverse proxy.
 */
export function createOutpostProxyRuntime(options: ProxyRuntimeOptions): ProxyRuntime {
  const reverseProxy = createReverseProxy({
    log: options.log,
    metrics: options.metrics,
    version: options.version,
  });
  return createProxyRuntime(options, reverseProxy);
}
