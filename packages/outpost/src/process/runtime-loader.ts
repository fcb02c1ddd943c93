import type { ProxyRuntime, ProxyRuntimeOptions } from '../proxy/types.ts';

/** The proxy runtime's module, relative to this file (src/proxy/runtime.ts, built beside the process). */
const RUNTIME_MODULE = '../proxy/runtime.ts';

/** The runtime module is missing or does not export `createProxyRuntime`. */
export class RuntimeUnavailableError extends Error {
  override name = 'RuntimeUnavailableError';
}

/**
 * Loads `createProxyRuntime` from src/proxy/runtime.ts lazily. The specifier is a variable so the process
 * type-checks and runs its tests on its own (with a test runtime) while the runtime is built in parallel;
 * a missing module is a clear error at start, not a crash at import.
 */
export async function loadProxyRuntime(): Promise<(options: ProxyRuntimeOptions) => ProxyRuntime> {
  let module: { createProxyRuntime?: unknown };
  try {
    module = (await import(RUNTIME_MODULE)) as typeof module;
  } catch (error) {
    throw new RuntimeUnavailableError(
      `the proxy runtime (${RUNTIME_MODULE}) could not be loaded: ${(error as Error).message}`,
    );
  }
  const create = module.createProxyRuntime;
  if (typeof create !== 'function') {
    throw new RuntimeUnavailableError(`${RUNTIME_MODULE} does not export createProxyRuntime()`);
  }
  return (options) => (create as (o: ProxyRuntimeOptions) => ProxyRuntime)(options);
}
