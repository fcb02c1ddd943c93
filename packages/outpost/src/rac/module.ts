/**
 * The RAC outpost type as a module of the shared runtime (process/outpost-module.ts). It serves no port and
 * loads no configuration (spec §3.5: everything arrives in init_connection); each PROVIDER_SPECIFIC
 * init_connection opens a connection to a VNC or SSH target relayed through the core (connections.ts).
 */
import { RacInitConnection } from '@palisade/schema/rac-relay';
import { compileChecker, CoreAnswerError } from '../process/checked.ts';
import type { ModuleContext, OutpostModule, OutpostModuleFactory } from '../process/outpost-module.ts';
import { createRacConnections } from './connections.ts';
import type { ProtocolAdapter, RacLimits } from './protocol-adapter.ts';
import { createRacMetrics } from './rac-metrics.ts';
import { sshAdapter } from './ssh/ssh-adapter.ts';
import { vncAdapter } from './vnc/vnc-adapter.ts';

/** Limits of each connection: a screen's worth of updates, a fast typist's input, a slow network's wait. */
export const DEFAULT_RAC_LIMITS: RacLimits = {
  outputBytesPerSecond: 32 * 1024 * 1024,
  inputPerSecond: 2000,
  handshakeMs: 10_000,
};

/** Knobs of the RAC module (tests make the limits small or hand in an adapter). */
export interface RacModuleOptions {
  limits?: Partial<RacLimits>;
  adapters?: Partial<Record<RacInitConnection['protocol'], ProtocolAdapter>>;
}

const checkInit = compileChecker(RacInitConnection);

/** The RAC module. */
export function racModule(options: RacModuleOptions = {}): OutpostModuleFactory {
  return {
    type: 'rac',
    create(ctx: ModuleContext): OutpostModule<Record<string, never>> {
      const connections = createRacConnections({
        dial: {
          host: ctx.env.host,
          token: ctx.env.token,
          insecure: ctx.env.insecure,
          userAgent: ctx.version,
        },
        // RDP has no adapter: it needs an RDP stack that cannot run here (docs/rac.md).
        adapters: { vnc: vncAdapter, ssh: sshAdapter, ...options.adapters },
        limits: { ...DEFAULT_RAC_LIMITS, ...options.limits },
        metrics: createRacMetrics(ctx.registry, ctx.outpostName),
        log: ctx.log,
        changed: () => ctx.sayHello(),
      });
      return {
        start: async () => [],
        load: async () => ({}),
        apply() {},
        describe: () => ({}),
        // The core closes the relay when a session ends (it holds the session; init carries none).
        endSession() {},
        providerSpecific(args) {
          if (args.sub_type !== 'init_connection') {
            ctx.log.debug({ sub_type: args.sub_type }, 'ignored a PROVIDER_SPECIFIC message');
            return;
          }
          try {
            connections.open(checkInit(args, 'init_connection'));
          } catch (error) {
            if (!(error instanceof CoreAnswerError)) throw error;
            // The checker's message names the field, never its value (params hold passwords).
            ctx.log.warn({ reason: error.message }, 'ignored a malformed init_connection');
          }
        },
        helloArgs: () => ({ active_connections: connections.count }),
        async stop() {
          connections.closeAll();
        },
      };
    },
  };
}

/** The RAC type as the runtime discovers it (src/<type>/module.ts exports `outpostModule`). */
export const outpostModule: OutpostModuleFactory = racModule();
