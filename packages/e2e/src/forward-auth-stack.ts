import { randomBytes } from 'node:crypto';
import { type AdminApi, adminApi } from './admin-api.ts';
import { type ServerProcess, startServerProcess } from './server-process.ts';

/** A proxy provider and its application, as a test wants them. */
export interface AppSpec {
  slug: string;
  externalHost: string;
  mode: 'forward_single' | 'forward_domain' | 'proxy';
  internalHost?: string;
  cookieDomain?: string;
  accessTokenValidity?: string;
  /** The provider's `skip_path_regex` (unauthenticated paths), one regex a line. */
  skipPathRegex?: string;
  /** Usernames bound to the application; none means everyone may use it. */
  allowed?: string[];
}

/** What provisioning made. */
export interface ForwardAuthStack {
  core: ServerProcess;
  api: AdminApi;
  outpostUuid: string;
  outpostName: string;
  /** The outpost's API token, as its deployment info shows it. */
  outpostToken: string;
  close(): Promise<void>;
}

/**
 * Starts a core (`npm start`, embedded database) and provisions through its admin API what seeds 000 and
 * 002 click together: users with passwords, proxy providers with their applications (and bindings), and an
 * outpost serving them whose token the test then runs an outpost with.
 */
export async function startForwardAuthStack(spec: {
  /** The applications, or a function of the core's URL (for applications served on the core's own port). */
  apps: AppSpec[] | ((coreUrl: string) => AppSpec[]);
  users: Array<{ username: string; password: string; name?: string; email?: string; groups?: string[] }>;
  /** More PALISADE_* settings for the core (e.g. PALISADE_DATABASE_URL). */
  coreEnv?: Record<string, string>;
  /** Serve the applications from the core's embedded outpost instead of a new outpost. */
  embedded?: boolean;
  /** The outpost's `log_level` (the reference's default, info, when not given). */
  outpostLogLevel?: string;
  /** How long the core may take to start (startServerProcess's default when not given). */
  startTimeoutMs?: number;
}): Promise<ForwardAuthStack> {
  const adminToken = randomBytes(24).toString('hex');
  const core = await startServerProcess({
    env: {
      PALISADE_BOOTSTRAP_TOKEN: adminToken,
      PALISADE_BOOTSTRAP_PASSWORD: 'admin-password-1',
      ...spec.coreEnv,
    },
    timeoutMs: spec.startTimeoutMs,
  });
  try {
    const api = adminApi(core.url, adminToken);
    const flows = (
      await api<{ results: Array<{ slug: string; pk: string }> }>('GET', '/flows/instances/?page_size=100')
    ).results;
    const flow = (slug: string) => flows.find((f) => f.slug === slug)?.pk;
    const userIds = new Map<string, number>();
    for (const user of spec.users) {
      const created = await api<{ pk: number }>('POST', '/core/users/', {
        username: user.username,
        name: user.name ?? user.username,
        email: user.email ?? `${user.username}@example.test`,
      });
      await api('POST', `/core/users/${created.pk}/set_password/`, { password: user.password });
      userIds.set(user.username, created.pk);
      for (const group of user.groups ?? []) {
        const existing = await api<{ results: Array<{ pk: string }> }>('GET', `/core/groups/?name=${group}`);
        const pk =
          existing.results[0]?.pk ?? (await api<{ pk: string }>('POST', '/core/groups/', { name: group })).pk;
        await api('POST', `/core/groups/${pk}/add_user/`, { pk: created.pk });
      }
    }
    const providerPks: number[] = [];
    const apps = typeof spec.apps === 'function' ? spec.apps(core.url) : spec.apps;
    for (const app of apps) {
      const provider = await api<{ pk: number }>('POST', '/providers/proxy/', {
        name: `${app.slug} provider`,
        authorization_flow: flow('default-provider-authorization-implicit-consent'),
        // What the console proposes for a proxy provider: signing out ends the core session at once.
        invalidation_flow: flow('default-provider-invalidation-flow'),
        external_host: app.externalHost,
        mode: app.mode,
        ...(app.internalHost ? { internal_host: app.internalHost } : {}),
        ...(app.cookieDomain ? { cookie_domain: app.cookieDomain } : {}),
        ...(app.accessTokenValidity ? { access_token_validity: app.accessTokenValidity } : {}),
        ...(app.skipPathRegex ? { skip_path_regex: app.skipPathRegex } : {}),
      });
      providerPks.push(provider.pk);
      const application = await api<{ pk: string }>('POST', '/core/applications/', {
        name: app.slug,
        slug: app.slug,
        provider: provider.pk,
      });
      for (const [order, username] of (app.allowed ?? []).entries()) {
        await api('POST', '/policies/bindings/', {
          target: application.pk,
          user: userIds.get(username),
          order,
        });
      }
    }
    const config = {
      authentik_host: core.url,
      ...(spec.outpostLogLevel ? { log_level: spec.outpostLogLevel } : {}),
    };
    const outpostName = spec.embedded ? EMBEDDED_OUTPOST : 'e2e outpost';
    const outpost = spec.embedded
      ? await useEmbeddedOutpost(api, providerPks)
      : await api<{ pk: string; token_identifier: string }>('POST', '/outposts/instances/', {
          name: outpostName,
          type: 'proxy',
          providers: providerPks,
          config,
        });
    // The embedded outpost authenticates with the core's secret key, not a token of its own.
    const { key } = spec.embedded
      ? { key: '' }
      : await api<{ key: string }>('GET', `/core/tokens/${outpost.token_identifier}/view_key/`);
    return { core, api, outpostUuid: outpost.pk, outpostName, outpostToken: key, close: () => core.stop() };
  } catch (error) {
    await core.stop();
    throw error;
  }
}

/** The embedded outpost's name (seed 002's Service is named after it). */
const EMBEDDED_OUTPOST = 'authentik Embedded Outpost';

/** Gives the core's embedded outpost the providers; it then serves them on the core's port. */
async function useEmbeddedOutpost(
  api: AdminApi,
  providers: number[],
): Promise<{ pk: string; token_identifier: string }> {
  const found = await api<{ results: Array<{ pk: string; token_identifier: string; name: string }> }>(
    'GET',
    '/outposts/instances/?page_size=100',
  );
  const embedded = found.results.find((o) => o.name === EMBEDDED_OUTPOST);
  if (!embedded) throw new Error('the core has no embedded outpost');
  await api('PATCH', `/outposts/instances/${embedded.pk}/`, { providers });
  return embedded;
}
