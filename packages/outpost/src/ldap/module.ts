/**
 * The LDAP outpost type as a module of the shared runtime (process/outpost-module.ts): it loads the
 * outpost's LDAP providers, their certificates and (for cached search) the directory, and serves 3389
 * (LDAP, StartTLS) and 6636 (LDAPS). Addresses come from AUTHENTIK_LISTEN__LDAP and
 * AUTHENTIK_LISTEN__LDAPS; AUTHENTIK_LISTEN__PROXY_PROTOCOL=true makes both read a PROXY header.
 */
import { parseListenAddress, type ListenAddress } from '../process/env.ts';
import type { ModuleContext, OutpostModule, OutpostModuleFactory } from '../process/outpost-module.ts';
import { toProviders } from './config.ts';
import { DIRECTORY_PAGE_SIZE, fetchDirectory } from './core-directory.ts';
import type { ConnectionLimits } from './host.ts';
import { createLdapMetrics } from './ldap-metrics.ts';
import { listenLdap } from './listeners.ts';
import { checkProviderPage } from './reads.ts';
import { type LdapConfiguration, LdapRuntime } from './runtime.ts';

/** Page size of /outposts/ldap/ (as the reference asks). */
export const PROVIDER_PAGE_SIZE = 100;

/** Default listen addresses (spec §0.1). */
export const DEFAULT_LDAP_LISTEN = { ldap: '0.0.0.0:3389', ldaps: '0.0.0.0:6636' } as const;

/** Knobs of the module (tests pass their own addresses and limits). */
export interface LdapModuleOptions {
  listen?: { ldap: ListenAddress; ldaps: ListenAddress };
  proxyProtocol?: boolean;
  limits?: Partial<ConnectionLimits>;
  pageSize?: number;
  /** Receives the runtime once created (tests inspect it). */
  onRuntime?: (runtime: LdapRuntime) => void;
}

function listenFromEnv(env: NodeJS.ProcessEnv): { ldap: ListenAddress; ldaps: ListenAddress } {
  const read = (name: string, fallback: string): ListenAddress => {
    const raw = env[name]?.trim() || fallback;
    const address = parseListenAddress(raw);
    if (!address)
      throw new Error(`${name} must be host:port, [ipv6]:port or :port (got ${JSON.stringify(raw)})`);
    return address;
  };
  return {
    ldap: read('AUTHENTIK_LISTEN__LDAP', DEFAULT_LDAP_LISTEN.ldap),
    ldaps: read('AUTHENTIK_LISTEN__LDAPS', DEFAULT_LDAP_LISTEN.ldaps),
  };
}

/** The LDAP module. */
export function ldapModule(options: LdapModuleOptions = {}): OutpostModuleFactory {
  return {
    type: 'ldap',
    create(ctx: ModuleContext): OutpostModule<LdapConfiguration> {
      const runtime = new LdapRuntime({
        version: ctx.version,
        log: ctx.log,
        metrics: createLdapMetrics(ctx.registry, ctx.outpostName),
        client: ctx.client,
        coreFetch: ctx.coreFetch,
        host: ctx.env.host,
        token: ctx.env.token,
        userAgent: ctx.version,
        limits: options.limits,
      });
      options.onRuntime?.(runtime);
      const pageSize = options.pageSize ?? PROVIDER_PAGE_SIZE;
      return {
        async start() {
          const listen = options.listen ?? listenFromEnv(process.env);
          const proxyProtocol =
            options.proxyProtocol ?? process.env.AUTHENTIK_LISTEN__PROXY_PROTOCOL === 'true';
          return Promise.all([
            listenLdap({ name: 'ldap', at: listen.ldap, host: runtime, proxyProtocol }),
            listenLdap({ name: 'ldaps', at: listen.ldaps, host: runtime, proxyProtocol }),
          ]);
        },
        async load() {
          const configs = await ctx.client.pages('outposts/ldap/', checkProviderPage, pageSize);
          if (configs.length === 0) throw new Error('no ldap provider defined');
          const providers = toProviders(configs);
          const keypairs = await ctx.keypairs.load(providers.flatMap((p) => p.certificate ?? []));
          // One snapshot serves every cached provider: the outpost account sees the same users for each.
          const data = providers.some((p) => p.searchMode === 'cached')
            ? await fetchDirectory(ctx.client, options.pageSize ?? DIRECTORY_PAGE_SIZE)
            : undefined;
          return { providers, keypairs, data };
        },
        apply(_outpost, config) {
          runtime.update(config);
        },
        describe: (config) => ({
          providers: config.providers.length,
          users: config.data?.users.length ?? 0,
          groups: config.data?.groups.length ?? 0,
        }),
        endSession(sid) {
          const closed = runtime.endSession(sid);
          if (closed > 0)
            ctx.log.info({ connections: closed }, 'closed the LDAP connections of an ended session');
        },
        providerSpecific() {
          ctx.log.debug({ reason: 'not used by the ldap type' }, 'ignored a PROVIDER_SPECIFIC message');
        },
        async stop() {
          runtime.closeAll();
        },
      };
    },
  };
}

/** The LDAP type as the runtime discovers it (src/<type>/module.ts exports `outpostModule`). */
export const outpostModule: OutpostModuleFactory = ldapModule();
