import type { FastifyBaseLogger } from 'fastify';
import type { AppContext } from './context.ts';
import { ensureSelfSignedKeypair } from './crypto/default-keypair.ts';
import { queryOne } from './db/database.ts';
import { hashPassword } from './identity/passwords.ts';
import { findTokenByIdentifier, insertToken } from './identity/tokens-repository.ts';
import {
  findUserByUsername,
  insertUser,
  updatePasswordHash,
  updateUser,
} from './identity/users-repository.ts';
import { ensureOutpostObjects } from './outposts/embedded.ts';

/** The administrator account the initial-setup flow configures. */
export const ADMIN_USERNAME = 'akadmin';
/** The superuser group akadmin belongs to (the reference's name, so guides that mention it stay true). */
export const ADMIN_GROUP = 'authentik Admins';
/** The identifier of the api token PALISADE_BOOTSTRAP_TOKEN creates. */
export const BOOTSTRAP_TOKEN_IDENTIFIER = 'authentik-bootstrap-token';

/**
 * Makes sure the first-start objects exist: the superuser group and akadmin (without a usable password, so
 * the initial-setup flow is open). With bootstrap settings, akadmin's password, email and an api token are
 * set for automation; they apply at first start only, when akadmin has no password yet. Then the outposts'
 * objects: the embedded outpost, and every outpost's service account and token.
 */
export async function ensureInitialObjects(ctx: AppContext, log: FastifyBaseLogger): Promise<void> {
  await ctx.db.transaction(async (tx) => {
    let group = await queryOne<{ uuid: string }>(tx, 'SELECT uuid FROM groups WHERE name = $1', [
      ADMIN_GROUP,
    ]);
    group ??= await queryOne<{ uuid: string }>(
      tx,
      'INSERT INTO groups (name, is_superuser) VALUES ($1, true) RETURNING uuid',
      [ADMIN_GROUP],
    );
    let admin = await findUserByUsername(tx, ADMIN_USERNAME);
    const firstStart = admin === undefined;
    admin ??= await insertUser(tx, {
      username: ADMIN_USERNAME,
      name: 'authentik Default Admin',
      passwordHash: null,
    });
    if (firstStart && group) {
      await tx.query(
        'INSERT INTO group_members (group_uuid, user_id) VALUES ($1, $2) ON CONFLICT DO NOTHING',
        [group.uuid, admin.id],
      );
      log.info({ user: ADMIN_USERNAME }, 'created the administrator account');
    }
    const { bootstrap_password: password, bootstrap_email: email, bootstrap_token: token } = ctx.config;
    if (!admin.hasUsablePassword && password) {
      await updatePasswordHash(tx, admin.id, await hashPassword(password));
      log.info({ user: ADMIN_USERNAME }, 'set the administrator password from the bootstrap setting');
    }
    if (firstStart && email) await updateUser(tx, admin.id, { email });
    if (token && !(await findTokenByIdentifier(tx, BOOTSTRAP_TOKEN_IDENTIFIER))) {
      await insertToken(tx, ctx.box, {
        identifier: BOOTSTRAP_TOKEN_IDENTIFIER,
        intent: 'api',
        userId: admin.id,
        key: token,
        expiring: false,
        description: 'Created from the bootstrap token setting',
      });
      log.info({ token: BOOTSTRAP_TOKEN_IDENTIFIER }, 'created the bootstrap api token');
    }
  });
  await ensureSelfSignedKeypair(ctx, log);
  await ensureOutpostObjects(ctx, log);
}

/** Answers whether the initial-setup flow is still open (akadmin exists and has no usable password). */
export async function isInitialSetupOpen(ctx: AppContext): Promise<boolean> {
  const admin = await findUserByUsername(ctx.db, ADMIN_USERNAME);
  return admin !== undefined && !admin.hasUsablePassword;
}
