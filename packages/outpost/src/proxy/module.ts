/**
 * The proxy outpost type as a module of the shared runtime (process/outpost-module.ts): it loads the
 * outpost's proxy providers and their certificates, hands them to the proxy runtime (runtime.ts), serves
 * ports 9000/9443 and registers the proxy's metrics.
 */
import { ProxyOutpostConfigPage } from '@palisade/schema/outpost-reads';
import { compileChecker } from '../process/checked.ts';
import { listenHttp, listenHttps } from '../process/listeners.ts';
import type { ModuleContext, OutpostModule, OutpostModuleFactory } from '../process/outpost-module.ts';
import { createOutpostProxyRuntime } from './create.ts';
import { createProxyMetrics } from './proxy-metrics.ts';
import type { ProxyProviderConfig, ProxyRuntime, ProxyRuntimeOptions, TlsKeypair } from './types.ts';

/** Page size of /outposts/proxy/ (as the reference asks for). */
export const PROVIDER_PAGE_SIZE = 100;

/** What one refresh of a proxy outpost loads. */
export interface ProxyConfiguration {
  providers: ProxyProviderConfig[];
  certificates: Map<string, TlsKeypair>;
}

/** Knobs of the proxy module (tests hand in their own runtime, or a small page size). */
export interface ProxyModuleOptions {
  createRuntime?: (options: ProxyRuntimeOptions) => ProxyRuntime;
  pageSize?: number;
}

const checkPage = compileChecker(ProxyOutpostConfigPage);

/** The proxy module, built over `createRuntime` (default: the real runtime with proxy mode's reverse proxy). */
export function proxyModule(options: ProxyModuleOptions = {}): OutpostModuleFactory {
  return {
    type: 'proxy',
    create(ctx: ModuleContext): OutpostModule<ProxyConfiguration> {
      const metrics = createProxyMetrics(ctx.registry, ctx.outpostName);
      const runtime = (options.createRuntime ?? createOutpostProxyRuntime)({
        version: ctx.version,
        hostBrowser: ctx.env.hostBrowser,
        embedded: ctx.embedded,
        coreFetch: ctx.coreFetch,
        postEvent: ctx.postEvent,
        metrics,
        log: ctx.log,
        trustedProxyCidrs: ctx.env.trustedProxyCidrs,
      });
      return {
        start: () =>
          Promise.all([
            listenHttp(runtime, ctx.env.listen.http, ctx.log),
            listenHttps(runtime, ctx.env.listen.https, ctx.log),
          ]),
        async load() {
          // Any failing or malformed page rejects: a partial list would stop serving the providers left out.
          const providers = await ctx.client.pages(
            'outposts/proxy/',
            checkPage,
            options.pageSize ?? PROVIDER_PAGE_SIZE,
          );
          const certificates = await ctx.keypairs.load(providers.flatMap((p) => p.certificate ?? []));
          return { providers, certificates };
        },
        apply(outpost, config) {
          runtime.update(outpost, config.providers, config.certificates);
          metrics.hosts(config.providers);
        },
        describe: (config) => ({ providers: config.providers.length }),
        endSession: (sid) => runtime.endSession(sid),
        providerSpecific() {
          ctx.log.debug({ reason: 'not used by the proxy type' }, 'ignored a PROVIDER_SPECIFIC message');
        },
        http: runtime,
        async stop() {},
      };
    },
  };
}

/** The proxy type as the runtime discovers it (src/<type>/module.ts exports `outpostModule`). */
export const outpostModule: OutpostModuleFactory = proxyModule();
