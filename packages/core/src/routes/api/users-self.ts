import { GenericError, SessionUser } from '@palisade/schema';
import type { FastifyPluginAsync } from 'fastify';
import type { AppContext } from '../../context.ts';
import { ApiError } from '../../http/api-error.ts';
import { findGroupsByUuids, groupUuidsOfUsers } from '../../identity/groups-repository.ts';
import { userAvatar, userUid } from './presenters.ts';

/** /core/users/me/: the signed-in user's own account, for any authenticated caller. */
export function userSelfRoutes(ctx: AppContext): FastifyPluginAsync {
  return async (app) => {
    app.get(
      '/core/users/me/',
      {
        schema: { response: { 200: SessionUser, 403: GenericError } },
        config: { operationId: 'core_users_me_retrieve' },
      },
      async (request) => {
        const user = request.principal?.user;
        if (!user) throw new ApiError('not_authenticated');
        const uuids = (await groupUuidsOfUsers(ctx.db, [user.id])).get(user.id) ?? [];
        const groups = await findGroupsByUuids(ctx.db, uuids);
        return {
          user: {
            pk: user.id,
            username: user.username,
            name: user.name,
            is_active: user.isActive,
            is_superuser: user.isSuperuser,
            groups: groups.map((g) => ({ pk: g.uuid, name: g.name })),
            roles: [],
            email: user.email,
            avatar: userAvatar(user),
            uid: userUid(ctx, user.id),
            settings: {},
            type: user.type,
            system_permissions: [],
          },
        };
      },
    );
  };
}
