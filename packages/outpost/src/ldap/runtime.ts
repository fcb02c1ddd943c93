/**
 * The running LDAP server behind every connection (host.ts): the providers, the cached directories, the
 * cached binds, the TLS contexts, the connections by session. Bind and search modes are per provider
 * (spec §1.6, §1.7): cached answers from memory, direct asks the core each time.
 */
import type { SecureContext } from 'node:tls';
import { ExecutorClient } from '../flow/executor-client.ts';
import { runFlow } from '../flow/run-flow.ts';
import type { CoreClient } from '../process/core-client.ts';
import type { CoreFetch } from '../process/core-fetch.ts';
import type { TlsKeypair } from '../process/keypairs.ts';
import type { Logger } from '../process/logger.ts';
import { type BindOutcome, type BoundUser, bindThroughCore, parseBindDn } from './bind.ts';
import { BindCache } from './bind-cache.ts';
import type { LdapProvider } from './config.ts';
import { fetchForFilter, fetchSelf } from './core-directory.ts';
import { buildDirectory, type Directory, type DirectoryData, selfOnlyData } from './directory.ts';
import type { Filter } from './filter.ts';
import {
  type ConnectionHost,
  type ConnectionLimits,
  DEFAULT_LIMITS,
  type TrackedConnection,
} from './host.ts';
import type { LdapMetrics } from './ldap-metrics.ts';
import { RESULT } from './result-codes.ts';
import { LdapTlsContexts } from './tls-contexts.ts';

/** What the runtime is built from. */
export interface LdapRuntimeOptions {
  /** Shown as the root DSE's vendorVersion. */
  version: string;
  log: Logger;
  metrics: LdapMetrics;
  client: CoreClient;
  coreFetch: CoreFetch;
  host: URL;
  token: string;
  userAgent: string;
  limits?: Partial<ConnectionLimits>;
}

/** A configuration as the module loaded it. */
export interface LdapConfiguration {
  providers: LdapProvider[];
  keypairs: Map<string, TlsKeypair>;
  /** The snapshot for cached search (when any provider uses it). */
  data: DirectoryData | undefined;
}

/** Self views kept per snapshot; past this many binders the oldest is rebuilt on demand. */
const MAX_SELF_VIEWS = 5_000;

/** The server state. */
export class LdapRuntime implements ConnectionHost {
  readonly version: string;
  readonly log: Logger;
  readonly metrics: LdapMetrics;
  readonly limits: ConnectionLimits;
  private readonly options: LdapRuntimeOptions;
  private current: LdapProvider[] = [];
  private directories = new Map<number, Directory>();
  private selfViews = new Map<string, Directory>();
  private readonly tls = new LdapTlsContexts();
  readonly binds = new BindCache();
  private readonly connections = new Set<TrackedConnection>();

  constructor(options: LdapRuntimeOptions) {
    this.options = options;
    this.version = options.version;
    this.log = options.log;
    this.metrics = options.metrics;
    this.limits = { ...DEFAULT_LIMITS, ...options.limits };
  }

  /** Swaps a loaded configuration in, whole. */
  update(config: LdapConfiguration): void {
    const directories = new Map<number, Directory>();
    for (const p of config.providers) {
      if (p.searchMode === 'cached' && config.data)
        directories.set(p.pk, buildDirectory(p, config.data, this.version));
    }
    this.tls.update(config.providers, config.keypairs);
    this.current = config.providers;
    this.directories = directories;
    this.selfViews = new Map();
    this.binds.retainProviders(new Set(config.providers.map((p) => p.pk)));
  }

  providers(): readonly LdapProvider[] {
    return this.current;
  }

  private executor(clientIp: string): ExecutorClient {
    return new ExecutorClient({
      fetch: this.options.coreFetch,
      host: this.options.host,
      token: this.options.token,
      userAgent: this.options.userAgent,
      clientIp,
      outpostType: 'ldap',
    });
  }

  async bind(dn: string, secret: string, clientIp: string): Promise<BindOutcome> {
    const target = parseBindDn(this.current, dn);
    const cached = typeof target === 'object' && target.provider.bindMode === 'cached';
    if (cached) {
      const hit = this.binds.get(target.dnKey, secret);
      if (hit) return { code: RESULT.success, user: hit };
    }
    const outcome = await bindThroughCore(this.executor(clientIp), this.current, dn, secret);
    if (cached && outcome.code === RESULT.success && 'user' in outcome)
      this.binds.set(target.dnKey, secret, outcome.user);
    return outcome;
  }

  async directoryFor(user: BoundUser, filter: Filter, baseDn: string): Promise<Directory> {
    const provider = this.current.find((p) => p.pk === user.provider.pk);
    if (!provider) throw new Error('the provider of this bind is no longer served');
    if (provider.searchMode === 'cached') {
      const full = this.directories.get(provider.pk);
      if (!full) throw new Error('no directory snapshot yet');
      if (user.canSearch) return full;
      const key = `${provider.pk}:${user.userPk}`;
      let view = this.selfViews.get(key);
      if (!view) {
        if (this.selfViews.size >= MAX_SELF_VIEWS) this.selfViews.clear();
        view = buildDirectory(provider, selfOnlyData(full.data, user.userPk), this.version);
        this.selfViews.set(key, view);
      }
      return view;
    }
    const data = user.canSearch
      ? await fetchForFilter(this.options.client, provider, filter, baseDn)
      : selfOnlyData(await fetchSelf(this.options.client, user.userPk), user.userPk);
    return buildDirectory(provider, data, this.version);
  }

  release(user: BoundUser): void {
    // A cached bind's session serves later binds until it expires: only a direct bind's session is ended.
    if (user.provider.bindMode === 'cached' || !user.provider.unbindFlowSlug) return;
    const client = this.executor('').withSession(user.session.cookie);
    runFlow(client, user.provider.unbindFlowSlug, {
      username: user.username,
      password: '',
      code: undefined,
    }).then(
      (outcome) => {
        if (!outcome.ok) this.log.debug({ detail: outcome.detail }, 'LDAP unbind flow did not finish');
      },
      (error: unknown) => this.log.debug({ err: (error as Error).message }, 'LDAP unbind flow failed'),
    );
  }

  secureContextFor(servername: string): SecureContext {
    return this.tls.secureContextFor(servername);
  }

  track(connection: TrackedConnection): void {
    this.connections.add(connection);
  }

  untrack(connection: TrackedConnection): void {
    this.connections.delete(connection);
  }

  /** SESSION_END: drops the cached binds of session `sid` and closes the connections bound in it. */
  endSession(sid: string): number {
    this.binds.dropSession(sid);
    let closed = 0;
    for (const connection of [...this.connections]) {
      if (connection.user?.session.sid === sid) {
        connection.close('session ended');
        closed++;
      }
    }
    return closed;
  }

  /** Closes every connection (shutdown). */
  closeAll(): void {
    for (const connection of [...this.connections]) connection.close('shutdown');
  }
}
