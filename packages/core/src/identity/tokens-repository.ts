import type { Queryable } from '../db/database.ts';
import { queryOne } from '../db/database.ts';
import { type ListOptions, type ListShape, queryPage } from '../db/list-query.ts';
import type { SecretBox } from './secret-box.ts';

/** What a token is for, as the API names it. */
export const TOKEN_INTENTS = ['verification', 'api', 'recovery', 'app_password'] as const;
/** One of TOKEN_INTENTS. */
export type TokenIntent = (typeof TOKEN_INTENTS)[number];

/** A token as stored, without its key. */
export interface Token {
  uuid: string;
  identifier: string;
  intent: TokenIntent;
  userId: number;
  description: string;
  expiring: boolean;
  expires: Date | null;
  managed: string | null;
}

/** Fields of a new token; `key` is the secret itself, which is only digested and sealed. */
export interface NewToken {
  identifier: string;
  intent: TokenIntent;
  userId: number;
  key: string;
  description?: string;
  expiring?: boolean;
  expires?: Date | null;
  managed?: string | null;
}

/** Fields a caller may change on a token (the key changes through setTokenKey only). */
export type TokenChanges = Partial<
  Pick<Token, 'identifier' | 'intent' | 'userId' | 'description' | 'expiring' | 'expires' | 'managed'>
>;

interface TokenRow {
  uuid: string;
  identifier: string;
  intent: TokenIntent;
  user_id: number;
  description: string;
  expiring: boolean;
  expires: Date | null;
  managed: string | null;
}

const TOKEN_COLUMNS =
  't.uuid, t.identifier, t.intent, t.user_id, t.description, t.expiring, t.expires, t.managed';

const TOKEN_LIST_SHAPE: ListShape = {
  orderable: {
    identifier: 't.identifier',
    intent: 't.intent',
    expires: 't.expires',
    user: 't.user_id',
    description: 't.description',
  },
  searchable: ['t.identifier', 't.description'],
  defaultOrder: 't.identifier ASC',
};

function toToken(row: TokenRow): Token {
  return {
    uuid: row.uuid,
    identifier: row.identifier,
    intent: row.intent,
    userId: row.user_id,
    description: row.description,
    expiring: row.expiring,
    expires: row.expires ? new Date(row.expires) : null,
    managed: row.managed,
  };
}

/** Answers whether a token has passed its expiry. Tokens that do not expire never have. */
export function isTokenExpired(token: Pick<Token, 'expiring' | 'expires'>, now: Date = new Date()): boolean {
  return token.expiring && token.expires !== null && token.expires.getTime() <= now.getTime();
}

/** Finds a token by its identifier. */
export async function findTokenByIdentifier(db: Queryable, identifier: string): Promise<Token | undefined> {
  const row = await queryOne<TokenRow>(db, `SELECT ${TOKEN_COLUMNS} FROM tokens t WHERE t.identifier = $1`, [
    identifier,
  ]);
  return row && toToken(row);
}

/** Finds the token whose key is `key`, by its keyed digest: the key is never compared as stored text. */
export async function findTokenByKey(db: Queryable, box: SecretBox, key: string): Promise<Token | undefined> {
  const row = await queryOne<TokenRow>(db, `SELECT ${TOKEN_COLUMNS} FROM tokens t WHERE t.key_digest = $1`, [
    box.digest(key),
  ]);
  return row && toToken(row);
}

/** The list filters the API offers on tokens. */
export interface TokenFilters {
  identifier?: string;
  intent?: TokenIntent;
  description?: string;
  expiring?: boolean;
  managed?: string;
  username?: string;
  userId?: number;
}

function tokenConditions(f: TokenFilters): NonNullable<ListOptions['conditions']> {
  return [
    { sql: 't.identifier = $?', value: f.identifier },
    { sql: 't.intent = $?', value: f.intent },
    { sql: 't.description = $?', value: f.description },
    { sql: 't.expiring = $?', value: f.expiring },
    { sql: 't.managed = $?', value: f.managed },
    { sql: 't.user_id = (SELECT id FROM users WHERE username = $?)', value: f.username },
    { sql: 't.user_id = $?', value: f.userId },
  ];
}

/** Lists tokens with filters, search, ordering and a page window. */
export async function listTokens(
  db: Queryable,
  options: ListOptions & { filter?: TokenFilters },
): Promise<{ tokens: Token[]; count: number }> {
  const { rows, count } = await queryPage<TokenRow>(
    db,
    TOKEN_LIST_SHAPE,
    {
      ...options,
      conditions: [...(options.conditions ?? []), ...tokenConditions(options.filter ?? {})],
    },
    {
      columns: TOKEN_COLUMNS,
      from: 'FROM tokens t',
    },
  );
  return { tokens: rows.map(toToken), count };
}

/** Inserts a token; duplicate identifiers or keys surface as unique violations (code 23505). */
export async function insertToken(db: Queryable, box: SecretBox, token: NewToken): Promise<Token> {
  const row = await queryOne<TokenRow>(
    db,
    `INSERT INTO tokens AS t (identifier, intent, user_id, description, expiring, expires, managed, key_digest, key_sealed)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING ${TOKEN_COLUMNS}`,
    [
      token.identifier,
      token.intent,
      token.userId,
      token.description ?? '',
      token.expiring ?? true,
      token.expires ?? null,
      token.managed ?? null,
      box.digest(token.key),
      box.seal(token.key),
    ],
  );
  if (!row) throw new Error('insert returned no row');
  return toToken(row);
}

const TOKEN_CHANGE_COLUMNS: Record<keyof TokenChanges, string> = {
  identifier: 'identifier',
  intent: 'intent',
  userId: 'user_id',
  description: 'description',
  expiring: 'expiring',
  expires: 'expires',
  managed: 'managed',
};

/** Applies changes to the token named `identifier`. */
export async function updateToken(
  db: Queryable,
  identifier: string,
  changes: TokenChanges,
): Promise<Token | undefined> {
  const sets: string[] = [];
  const params: unknown[] = [identifier];
  for (const [key, column] of Object.entries(TOKEN_CHANGE_COLUMNS) as [keyof TokenChanges, string][]) {
    if (changes[key] === undefined) continue;
    sets.push(`${column} = $${params.push(changes[key])}`);
  }
  if (sets.length === 0) return findTokenByIdentifier(db, identifier);
  const row = await queryOne<TokenRow>(
    db,
    `UPDATE tokens AS t SET ${sets.join(', ')} WHERE t.identifier = $1 RETURNING ${TOKEN_COLUMNS}`,
    params,
  );
  return row && toToken(row);
}

/** Reveals a token's key (for view_key); undefined when the token does not exist. */
export async function revealTokenKey(
  db: Queryable,
  box: SecretBox,
  identifier: string,
): Promise<string | undefined> {
  const row = await queryOne<{ key_sealed: string }>(
    db,
    'SELECT key_sealed FROM tokens WHERE identifier = $1',
    [identifier],
  );
  return row && box.open(row.key_sealed);
}

/** Replaces a token's key. */
export async function setTokenKey(
  db: Queryable,
  box: SecretBox,
  identifier: string,
  key: string,
): Promise<boolean> {
  const rows = await db.query(
    'UPDATE tokens SET key_digest = $2, key_sealed = $3 WHERE identifier = $1 RETURNING uuid',
    [identifier, box.digest(key), box.seal(key)],
  );
  return rows.length === 1;
}

/** Records that a token authenticated a request, at most once a minute per token to spare writes. */
export async function touchToken(db: Queryable, uuid: string): Promise<void> {
  await db.query(
    "UPDATE tokens SET last_used = now() WHERE uuid = $1 AND (last_used IS NULL OR last_used < now() - interval '1 minute')",
    [uuid],
  );
}

/** Deletes a token. */
export async function deleteToken(db: Queryable, identifier: string): Promise<boolean> {
  return (
    (await db.query('DELETE FROM tokens WHERE identifier = $1 RETURNING uuid', [identifier])).length === 1
  );
}
