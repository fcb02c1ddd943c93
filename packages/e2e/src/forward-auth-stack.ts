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
  apps: AppSpec[];
  users: Array<{ username: string; password: string; name?: string; email?: string; groups?: string[] }>;
  /** More PALISADE_* settings for the core (e.g. PALISADE_DATABASE_URL). */
  coreEnv?: Record<string, string>;
}): Promise<ForwardAuthStack> {
  const adminToken = randomBytes(24).toString('hex');
  const core = await startServerProcess({
    env: {
      PALISADE_BOOTSTRAP_TOKEN: adminToken,
      PALISADE_BOOTSTRAP_PASSWORD: 'admin-password-1',
      ...spec.coreEnv,
    },
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
    for (const app of spec.apps) {
      const provider = await api<{ pk: number }>('POST', '/providers/proxy/', {
        name: `${app.slug} provider`,
        authorization_flow: flow('default-provider-authorization-implicit-consent'),
        invalidation_flow: flow('default-invalidation-flow'),
        external_host: app.externalHost,
        mode: app.mode,
        ...(app.internalHost ? { internal_host: app.internalHost } : {}),
        ...(app.cookieDomain ? { cookie_domain: app.cookieDomain } : {}),
        ...(app.accessTokenValidity ? { access_token_validity: app.accessTokenValidity } : {}),
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
    const outpostName = 'e2e outpost';
    const outpost = await api<{ pk: string; token_identifier: string }>('POST', '/outposts/instances/', {
      name: outpostName,
      type: 'proxy',
      providers: providerPks,
      config: { authentik_host: core.url },
    });
    const { key } = await api<{ key: string }>('GET', `/core/tokens/${outpost.token_identifier}/view_key/`);
    return { core, api, outpostUuid: outpost.pk, outpostName, outpostToken: key, close: () => core.stop() };
  } catch (error) {
    await core.stop();
    throw error;
  }
}
