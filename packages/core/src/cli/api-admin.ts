import { ADMIN_GROUP } from '../bootstrap.ts';
import { CommandFailed } from './command.ts';
import type { IdentityAdmin } from './identity-admin.ts';

/** Talks to a running core over its REST API with an api token. */
export function apiAdmin(baseUrl: string, token: string): IdentityAdmin {
  const base = baseUrl.replace(/\/+$/, '');

  async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
    let res: Response;
    try {
      res = await fetch(`${base}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          accept: 'application/json',
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(30_000),
      });
    } catch (error) {
      throw new CommandFailed(`cannot reach ${base}: ${(error as Error).message}`);
    }
    const text = await res.text();
    if (!res.ok) {
      const hint =
        res.status === 401 || res.status === 403
          ? ' (PALISADE_TOKEN must be an api token of a superuser)'
          : '';
      throw new CommandFailed(`the server refused (${res.status}): ${describeError(text)}${hint}`);
    }
    return (text ? JSON.parse(text) : undefined) as T;
  }

  async function userPk(username: string): Promise<number> {
    const page = await call<{ results: Array<{ pk: number; username: string }> }>(
      'GET',
      `/api/v3/core/users/?username=${encodeURIComponent(username)}`,
    );
    const user = page.results.find((u) => u.username === username);
    if (!user) throw new CommandFailed(`no user named ${username}`);
    return user.pk;
  }

  return {
    where: `the server at ${base}`,
    async createUser(input) {
      let groups: string[] = [];
      if (input.superuser) {
        const page = await call<{ results: Array<{ pk: string; name: string }> }>(
          'GET',
          `/api/v3/core/groups/?name=${encodeURIComponent(ADMIN_GROUP)}`,
        );
        const admins = page.results.find((g) => g.name === ADMIN_GROUP);
        if (!admins) throw new CommandFailed(`the group ${ADMIN_GROUP} does not exist`);
        groups = [admins.pk];
      }
      const user = await call<{ pk: number }>('POST', '/api/v3/core/users/', {
        username: input.username,
        name: input.name,
        ...(input.email ? { email: input.email } : {}),
        type: input.type,
        groups,
      });
      return { pk: user.pk };
    },
    async setPassword(username, password) {
      const pk = await userPk(username);
      await call('POST', `/api/v3/core/users/${pk}/set_password/`, { password });
    },
    async createToken(input) {
      const pk = await userPk(input.username);
      await call('POST', '/api/v3/core/tokens/', {
        identifier: input.identifier,
        intent: input.intent,
        user: pk,
        description: input.description ?? '',
        expiring: input.expires !== undefined,
        ...(input.expires ? { expires: input.expires.toISOString() } : {}),
      });
      const view = await call<{ key: string }>(
        'GET',
        `/api/v3/core/tokens/${encodeURIComponent(input.identifier)}/view_key/`,
      );
      return { key: view.key };
    },
    async outpostManifest(name, format) {
      const page = await call<{ results: Array<{ pk: string; name: string }> }>(
        'GET',
        `/api/v3/outposts/instances/?name__iexact=${encodeURIComponent(name)}`,
      );
      const outpost = page.results.find((o) => o.name === name);
      if (!outpost) throw new CommandFailed(`no outpost named ${name}`);
      const view = await call<{ manifest: string; warnings: string[] }>(
        'GET',
        `/api/v3/outposts/instances/${outpost.pk}/manifest/?format=${format}`,
      );
      return { manifest: view.manifest, warnings: view.warnings };
    },
    async close() {},
  };
}

/** Turns the API's error bodies (`{detail}` or `{field: [messages]}`) into one line. */
function describeError(text: string): string {
  try {
    const body = JSON.parse(text) as Record<string, unknown>;
    if (typeof body.detail === 'string') return body.detail;
    return Object.entries(body)
      .filter(([field]) => field !== 'code')
      .map(
        ([field, messages]) => `${field}: ${Array.isArray(messages) ? messages.join(' ') : String(messages)}`,
      )
      .join('; ');
  } catch {
    return text.slice(0, 200);
  }
}
