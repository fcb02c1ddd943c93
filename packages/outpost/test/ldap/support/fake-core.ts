/**
 * A core for the LDAP module's unit tests, answering in-process as the real one does on the wire: the flow
 * executor (identification, an MFA stage for users with a code, a redirect with `authentik_session`),
 * check_access, users/me, and the outpost's directory lists. Knobs make it fail the ways the reference's
 * fail-open paths need (reference study §4.4). The real core is used in real-core.test.ts.
 */
import { randomBytes } from 'node:crypto';
import { Registry } from 'prom-client';
import type { Checker } from '../../../src/process/checked.ts';
import type { CoreClient, Page } from '../../../src/process/core-client.ts';
import type { CoreFetch } from '../../../src/process/core-fetch.ts';
import { type LdapProvider, toProvider } from '../../../src/ldap/config.ts';
import type { DirectoryData } from '../../../src/ldap/directory.ts';
import type { DirectoryGroup, DirectoryUser } from '../../../src/ldap/reads.ts';
import { createLdapMetrics } from '../../../src/ldap/ldap-metrics.ts';
import { LdapRuntime } from '../../../src/ldap/runtime.ts';
import { recordingLog } from '../../support/log.ts';
import { ldapConfig } from './provider-config.ts';

/** A user of the fake core, with its password, optional MFA code and rights. */
export interface FakeUser {
  user: DirectoryUser;
  password: string;
  code?: string;
  passing: boolean;
  canSearch: boolean;
}

/** The knobs. */
export interface FakeCoreState {
  users: FakeUser[];
  groups: DirectoryGroup[];
  /** Status check_access answers with (200 normally). */
  checkAccessStatus: number;
  /** Leave `authentik_session` out of the flow's last answer. */
  omitSessionCookie: boolean;
  /** Answer every request with a network error. */
  down: boolean;
  /** Every request, as `METHOD path` (for asserting what was asked). */
  requests: string[];
  /** Sessions created: cookie → username. */
  sessions: Map<string, string>;
  /** Lifetime of a session in seconds. */
  sessionSeconds: number;
}

const NOW = '2026-01-02T03:04:05.000Z';

/** A user record for the fixtures. */
export function fakeUser(
  pk: number,
  username: string,
  groups: { pk: string; name: string }[] = [],
): DirectoryUser {
  return {
    pk,
    username,
    name: `${username} Example`,
    email: `${username}@example.com`,
    is_active: true,
    is_superuser: false,
    attributes: {},
    uid: `uid-${pk}`,
    date_joined: NOW,
    last_updated: NOW,
    password_change_date: NOW,
    groups_obj: groups,
  };
}

/** Builds the data: `count` users, `groupCount` groups; user i is in group i % groupCount. */
export function fixtureData(
  count: number,
  groupCount: number,
): { users: FakeUser[]; groups: DirectoryGroup[] } {
  const groups: DirectoryGroup[] = [];
  for (let g = 0; g < groupCount; g++) {
    groups.push({
      pk: `00000000-0000-4000-8000-${String(g).padStart(12, '0')}`,
      num_pk: g + 1,
      name: `group${g}`,
      is_superuser: false,
      attributes: {},
      users_obj: [],
      parents_obj: [],
      children_obj: [],
    });
  }
  const users: FakeUser[] = [];
  for (let i = 1; i <= count; i++) {
    const group = groups.length > 0 ? groups[i % groups.length] : undefined;
    const user = fakeUser(i, `user${i}`, group ? [{ pk: group.pk, name: group.name }] : []);
    group?.users_obj?.push({ pk: i, username: user.username });
    users.push({ user, password: `password-${i}`, passing: true, canSearch: false });
  }
  return { users, groups };
}

function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json', ...headers },
  });
}

/** The executor and session routes, as a CoreFetch. */
function fakeFetch(state: FakeCoreState): CoreFetch {
  // Pending flow state by cookie value, as the real executor keeps it in its pre-login cookie.
  const pending = new Map<string, { user?: FakeUser }>();
  return async (input, init = {}) => {
    const url = new URL(input);
    const method = init.method ?? 'GET';
    state.requests.push(`${method} ${url.pathname}`);
    if (state.down) throw new TypeError('fetch failed: ECONNREFUSED');
    const headers = new Headers(init.headers);
    const cookies = Object.fromEntries(
      (headers.get('cookie') ?? '')
        .split('; ')
        .filter(Boolean)
        .map((c) => c.split('=') as [string, string]),
    );
    const path = url.pathname.replace(/^\/api\/v3\//, '');
    if (path.startsWith('flows/executor/')) {
      let flowId = cookies.flow;
      const setFlow: Record<string, string> = {};
      if (!flowId || !pending.has(flowId)) {
        flowId = randomBytes(8).toString('hex');
        pending.set(flowId, {});
        setFlow['set-cookie'] = `flow=${flowId}; Path=/`;
      }
      const flow = pending.get(flowId) as { user?: FakeUser };
      if (method === 'GET')
        return json(200, { component: 'ak-stage-identification', password_fields: true }, setFlow);
      const body = JSON.parse(String(init.body)) as Record<string, string>;
      if (body.component === 'ak-stage-identification') {
        const user = state.users.find(
          (u) => u.user.username === body.uid_field && u.password === body.password,
        );
        if (!user)
          return json(200, {
            component: 'ak-stage-identification',
            response_errors: { non_field_errors: [{ string: 'Invalid', code: 'invalid' }] },
          });
        flow.user = user;
        if (user.code) {
          return json(200, {
            component: 'ak-stage-authenticator-validate',
            device_challenges: [{ device_class: 'totp', device_uid: '1', challenge: {} }],
          });
        }
      } else if (body.component === 'ak-stage-authenticator-validate') {
        if (!flow.user || body.code !== flow.user.code) {
          return json(200, {
            component: 'ak-stage-authenticator-validate',
            response_errors: { code: [{ string: 'Invalid code', code: 'invalid' }] },
          });
        }
      } else {
        return json(400, { detail: 'unexpected' });
      }
      pending.delete(flowId);
      const session = randomBytes(16).toString('hex');
      state.sessions.set(session, (flow.user as FakeUser).user.username);
      const expires = new Date(Date.now() + state.sessionSeconds * 1000).toUTCString();
      return json(
        200,
        { component: 'xak-flow-redirect', to: '/' },
        state.omitSessionCookie
          ? {}
          : {
              'set-cookie': `authentik_session=${session}; Path=/; Expires=${expires}; HttpOnly`,
            },
      );
    }
    const sessionUser = state.users.find(
      (u) => u.user.username === state.sessions.get(cookies.authentik_session ?? ''),
    );
    if (/^outposts\/ldap\/\d+\/check_access\/$/.test(path)) {
      if (state.checkAccessStatus !== 200) return json(state.checkAccessStatus, { detail: 'no' });
      if (!sessionUser) return json(403, { detail: 'not signed in' });
      return json(200, {
        access: { passing: sessionUser.passing, messages: [], log_messages: [] },
        has_search_permission: sessionUser.canSearch,
      });
    }
    if (path === 'core/users/me/') {
      if (!sessionUser) return json(403, { detail: 'not signed in' });
      return json(200, { user: { pk: sessionUser.user.pk, username: sessionUser.user.username } });
    }
    return json(404, { detail: 'not found' });
  };
}

/** The outpost-token API as a CoreClient (lists filtered as the core filters them). */
function fakeClient(state: FakeCoreState): CoreClient {
  const list = (path: string): unknown[] => {
    state.requests.push(`GET /api/v3/${path}`);
    if (state.down) throw new TypeError('fetch failed: ECONNREFUSED');
    const url = new URL(path, 'http://core/');
    if (url.pathname === '/core/users/') {
      const usernames = url.searchParams.getAll('username');
      const groupNames = url.searchParams.getAll('groups_by_name');
      return state.users
        .map((u) => u.user)
        .filter((u) => usernames.length === 0 || usernames.includes(u.username))
        .filter((u) => groupNames.length === 0 || u.groups_obj.some((g) => groupNames.includes(g.name)));
    }
    if (url.pathname === '/core/groups/') {
      const byPk = url.searchParams.getAll('members_by_pk').map(Number);
      return state.groups.filter(
        (g) => byPk.length === 0 || (g.users_obj ?? []).some((u) => byPk.includes(u.pk)),
      );
    }
    throw new Error(`fake core: no list ${path}`);
  };
  return {
    async outposts() {
      return [];
    },
    async rootConfig() {
      throw new Error('not used');
    },
    async get<T>(path: string, check: Checker<T>) {
      state.requests.push(`GET /api/v3/${path}`);
      if (state.down) throw new TypeError('fetch failed: ECONNREFUSED');
      const match = /^core\/users\/(\d+)\/$/.exec(path);
      const user = match && state.users.find((u) => u.user.pk === Number(match[1]));
      if (!user) throw new Error(`fake core: no ${path}`);
      return check(user.user, path);
    },
    async pages<T>(path: string, check: Checker<Page<T>>) {
      return check({ pagination: { next: 0 }, results: list(path) }, path).results;
    },
    async keypairFingerprint() {
      return '';
    },
    async keypairPem() {
      return '';
    },
    async postEvent() {},
  };
}

/** A runtime over a fake core. */
export interface FakeSetup {
  state: FakeCoreState;
  runtime: LdapRuntime;
  registry: Registry;
  log: ReturnType<typeof recordingLog>;
  provider: LdapProvider;
  /** Loads the configuration again (a refresh), with the snapshot read now. */
  refresh(): void;
}

/** Builds a runtime for one provider with base `dc=example,dc=com` over `data`. */
export function fakeSetup(
  data: { users: FakeUser[]; groups: DirectoryGroup[] },
  provider: Partial<Parameters<typeof toProvider>[0]> = {},
): FakeSetup {
  const state: FakeCoreState = {
    ...data,
    checkAccessStatus: 200,
    omitSessionCookie: false,
    down: false,
    requests: [],
    sessions: new Map(),
    sessionSeconds: 3600,
  };
  const registry = new Registry();
  const log = recordingLog();
  const runtime = new LdapRuntime({
    version: 'goauthentik.io/outpost/test',
    log,
    metrics: createLdapMetrics(registry, () => 'test-outpost'),
    client: fakeClient(state),
    coreFetch: fakeFetch(state),
    host: new URL('http://core.invalid/'),
    token: 'outpost-token',
    userAgent: 'goauthentik.io/outpost/test',
  });
  const config = toProvider(ldapConfig(provider));
  const refresh = () => {
    const snapshot: DirectoryData = { users: state.users.map((u) => u.user), groups: state.groups };
    runtime.update({ providers: [config], keypairs: new Map(), data: snapshot });
  };
  refresh();
  return { state, runtime, registry, log, provider: config, refresh };
}
