/**
 * The RADIUS outpost type as a module of the shared runtime (process/outpost-module.ts): it loads the
 * outpost's RADIUS providers from `/outposts/radius/`, serves UDP 1812 (AUTHENTIK_LISTEN__RADIUS) and
 * registers the RADIUS metrics. See docs/radius.md.
 */
import { RadiusOutpostConfigPage } from '@palisade/schema/outpost-reads';
import type { Static } from '@sinclair/typebox';
import { compileChecker } from '../process/checked.ts';
import type { ModuleContext, OutpostModule, OutpostModuleFactory } from '../process/outpost-module.ts';
import { AuthCache } from './auth-cache.ts';
import { coreEapBackend, type EapKeys, eapKeys } from './eap/core-backend.ts';
import { eapHandler } from './eap/handler.ts';
import { routeRequests } from './handler.ts';
import { createRadiusMetrics } from './metrics.ts';
import { parseNetworks } from './networks.ts';
import { papHandler } from './pap.ts';
import { createRadiusServer } from './server.ts';
import { DEFAULT_THROTTLE, Throttle, type ThrottleLimits } from './throttle.ts';
import type { RadiusProvider } from './types.ts';

/** Page size of /outposts/radius/ (as the reference asks for). */
export const PROVIDER_PAGE_SIZE = 100;

type ProviderConfig = Static<typeof RadiusOutpostConfigPage>['results'][number];

/** What one refresh of a RADIUS outpost loads. */
export interface RadiusConfiguration {
  providers: RadiusProvider[];
  /** EAP keys by certificate uuid (the providers' certificates that have a key). */
  eapKeys: Map<string, EapKeys>;
}

const checkPage = compileChecker(RadiusOutpostConfigPage);

/** A provider as the server uses it; invalid networks are logged and skipped (ldap-radius-rac.md §2.2). */
export function toProvider(config: ProviderConfig, warn: (invalid: string[]) => void): RadiusProvider {
  const { networks, invalid } = parseNetworks(config.client_networks);
  if (invalid.length > 0) warn(invalid);
  return {
    pk: config.pk,
    name: config.name,
    appSlug: config.application_slug,
    flowSlug: config.auth_flow_slug,
    secret: Buffer.from(config.shared_secret ?? '', 'utf8'),
    // The contract marks it optional; the reference's default is on.
    mfaSupport: config.mfa_support ?? true,
    networks,
    certificate: config.certificate ?? null,
    // Palisade's; a reference core does not send it, and then nothing is cached.
    authCacheSeconds: config.auth_cache_seconds ?? 0,
  };
}

/** Knobs of the RADIUS module (tests set a smaller throttle). */
export interface RadiusModuleOptions {
  throttle?: ThrottleLimits;
  pageSize?: number;
}

/** The RADIUS module. */
export function radiusModule(options: RadiusModuleOptions = {}): OutpostModuleFactory {
  return {
    type: 'radius',
    create(ctx: ModuleContext): OutpostModule<RadiusConfiguration> {
      const metrics = createRadiusMetrics(ctx.registry, ctx.outpostName);
      const throttle = new Throttle(options.throttle ?? DEFAULT_THROTTLE);
      const cache = new AuthCache();
      let keys = new Map<string, EapKeys>();
      const core = { fetch: ctx.coreFetch, host: ctx.env.host, token: ctx.env.token };
      const handle = routeRequests({
        pap: papHandler({ ...core, userAgent: ctx.version, metrics, throttle, cache, log: ctx.log }),
        eap: eapHandler({
          backend: coreEapBackend({ ...core, throttle, keys: () => keys }),
          metrics,
          log: ctx.log,
        }),
        metrics,
      });
      const server = createRadiusServer({ handle, metrics, throttle, log: ctx.log });
      return {
        start: async () => [await server.listen(ctx.env.listen.radius)],
        async load() {
          const pages = await ctx.client.pages(
            'outposts/radius/',
            checkPage,
            options.pageSize ?? PROVIDER_PAGE_SIZE,
          );
          const providers = pages.map((config) =>
            toProvider(config, (invalid) =>
              ctx.log.warn({ provider: config.name, invalid }, 'invalid client networks skipped'),
            ),
          );
          // A provider without a secret can verify nothing: it is left out rather than served with ''.
          for (const provider of providers.filter((p) => p.secret.length === 0))
            ctx.log.warn({ provider: provider.name }, 'provider has no shared secret; not served');
          if (providers.length === 0) ctx.log.warn({}, 'no radius provider defined');
          const keypairs = await ctx.keypairs.load(providers.flatMap((p) => p.certificate ?? []));
          const loaded = new Map<string, EapKeys>();
          for (const [uuid, keypair] of keypairs) {
            try {
              const made = eapKeys(keypair);
              if (made) loaded.set(uuid, made);
              else ctx.log.warn({ certificate: uuid }, 'EAP certificate has no key; EAP is off for it');
            } catch (error) {
              ctx.log.warn({ certificate: uuid, err: (error as Error).message }, 'EAP certificate unusable');
            }
          }
          return { providers: providers.filter((p) => p.secret.length > 0), eapKeys: loaded };
        },
        apply(_outpost, config) {
          keys = config.eapKeys;
          server.update(config.providers);
          const dropped = cache.retainProviders(config.providers);
          if (dropped > 0) ctx.log.debug({ dropped }, 'auth cache: provider configuration changed');
        },
        describe: (config) => ({ providers: config.providers.length }),
        endSession(sid) {
          const dropped = cache.dropSession(sid);
          if (dropped > 0) ctx.log.debug({ dropped }, 'auth cache: session ended');
        },
        providerSpecific() {
          ctx.log.debug({ reason: 'not used by the radius type' }, 'ignored a PROVIDER_SPECIFIC message');
        },
        async stop() {},
      };
    },
  };
}

/** The RADIUS type as the runtime discovers it (src/<type>/module.ts exports `outpostModule`). */
export const outpostModule: OutpostModuleFactory = radiusModule();
