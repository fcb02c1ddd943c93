import { ADMIN_GROUP, ensureInitialObjects } from '../bootstrap.ts';
import type { PalisadeConfig } from '../config/schema.ts';
import { ensureSecretKey } from '../config/secret-key.ts';
import { createAppContext } from '../context.ts';
import { queryOne } from '../db/database.ts';
import { migrate, readMigrations } from '../db/migrate.ts';
import { openConfiguredDatabase } from '../db/open.ts';
import { uniqueViolation } from '../http/api-error.ts';
import { addGroupMember } from '../identity/groups-repository.ts';
import { hashPassword } from '../identity/passwords.ts';
import { insertToken } from '../identity/tokens-repository.ts';
import { findUserByUsername, insertUser, updatePasswordHash } from '../identity/users-repository.ts';
import { randomSecret } from '../identity/secret-box.ts';
import { createLogger } from '../logging.ts';
import { defaultOutpostConfig, storedOutpostConfig } from '../outposts/config.ts';
import { outpostManifest } from '../outposts/manifest.ts';
import { routedProvidersOf } from '../integrations/kubernetes/load-input.ts';
import { findOutpostByName } from '../outposts/outposts-repository.ts';
import { outpostTokenKey } from '../outposts/service-account.ts';
import { CommandFailed } from './command.ts';
import type { IdentityAdmin } from './identity-admin.ts';

/**
 * Works on the database directly, for when no server runs (first install, recovery). With the embedded
 * database this takes the data folder's lock, so it fails cleanly while a server holds it.
 */
export async function directAdmin(config: Readonly<PalisadeConfig>): Promise<IdentityAdmin> {
  const secretKey = await ensureSecretKey(config, config.data_dir);
  const db = await openConfiguredDatabase(config);
  try {
    const migrations = await readMigrations();
    await migrate(db, migrations);
    const ctx = await createAppContext({ config, db, secretKey, migrations });
    await ensureInitialObjects(ctx, createLogger('silent'));

    const requireUser = async (username: string) => {
      const user = await findUserByUsername(db, username);
      if (!user) throw new CommandFailed(`no user named ${username}`);
      return user;
    };

    return {
      where:
        db.kind === 'embedded' ? `the embedded database in ${config.data_dir}` : 'the PostgreSQL database',
      async createUser(input) {
        try {
          return await db.transaction(async (tx) => {
            const user = await insertUser(tx, {
              username: input.username,
              name: input.name,
              email: input.email ?? '',
              type: input.type,
            });
            if (input.superuser) {
              const group = await queryOne<{ uuid: string }>(tx, 'SELECT uuid FROM groups WHERE name = $1', [
                ADMIN_GROUP,
              ]);
              if (!group) throw new CommandFailed(`the group ${ADMIN_GROUP} does not exist`);
              await addGroupMember(tx, group.uuid, user.id);
            }
            return { pk: user.id };
          });
        } catch (error) {
          if (uniqueViolation(error)) throw new CommandFailed(`user ${input.username} already exists`);
          throw error;
        }
      },
      async setPassword(username, password) {
        const user = await requireUser(username);
        await updatePasswordHash(db, user.id, await hashPassword(password));
      },
      async createToken(input) {
        const user = await requireUser(input.username);
        const key = randomSecret();
        try {
          await insertToken(db, ctx.box, {
            identifier: input.identifier,
            intent: input.intent,
            userId: user.id,
            key,
            description: input.description ?? '',
            expiring: input.expires !== undefined,
            expires: input.expires ?? null,
          });
        } catch (error) {
          if (uniqueViolation(error))
            throw new CommandFailed(`a token named ${input.identifier} already exists`);
          throw error;
        }
        return { key };
      },
      async outpostManifest(name, format) {
        const outpost = await findOutpostByName(db, name);
        if (!outpost) throw new CommandFailed(`no outpost named ${name}`);
        const tokenKey = await db.transaction((tx) => outpostTokenKey(tx, ctx.box, outpost));
        return outpostManifest(
          {
            outpost,
            config: storedOutpostConfig(outpost.config, defaultOutpostConfig(config)),
            tokenKey,
            version: ctx.version,
            imageBase: config.outposts.container_image_base,
            providers: await routedProvidersOf(db, outpost),
          },
          format,
        );
      },
      close: () => db.close(),
    };
  } catch (error) {
    await db.close();
    throw error;
  }
}
