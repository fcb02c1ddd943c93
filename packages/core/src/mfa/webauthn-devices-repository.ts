import type { Queryable } from '../db/database.ts';
import { queryOne } from '../db/database.ts';

/** A stored WebAuthn credential: what verifying an assertion needs, and what the API shows. */
export interface WebAuthnCredentialRecord {
  id: number;
  userId: number;
  name: string;
  credentialId: string;
  /** The COSE public key. */
  publicKey: Uint8Array<ArrayBuffer>;
  signCount: number;
  transports: string[];
  aaguid: string;
  discoverable: boolean;
  backedUp: boolean;
  created: Date;
}

/** What a verified registration adds. */
export type NewWebAuthnCredential = Omit<WebAuthnCredentialRecord, 'id' | 'created'>;

interface Row {
  id: number;
  user_id: number;
  name: string;
  credential_id: string;
  public_key: string;
  sign_count: string | number;
  transports: string[];
  aaguid: string;
  discoverable: boolean;
  backed_up: boolean;
  created: Date;
}

const COLUMNS =
  'id, user_id, name, credential_id, public_key, sign_count, transports, aaguid, discoverable, backed_up, created';

function toRecord(row: Row): WebAuthnCredentialRecord {
  return {
    id: row.id,
    userId: row.user_id,
    name: row.name,
    credentialId: row.credential_id,
    publicKey: Uint8Array.from(Buffer.from(row.public_key, 'base64url')),
    signCount: Number(row.sign_count),
    transports: row.transports,
    aaguid: row.aaguid,
    discoverable: row.discoverable,
    backedUp: row.backed_up,
    created: new Date(row.created),
  };
}

/** Stores a verified credential; a credential id registered before is a unique violation (23505). */
export async function insertWebAuthnDevice(
  db: Queryable,
  credential: NewWebAuthnCredential,
): Promise<number> {
  const row = await queryOne<{ id: number }>(
    db,
    `INSERT INTO webauthn_devices
      (user_id, name, credential_id, public_key, sign_count, transports, aaguid, discoverable, backed_up)
      VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
    [
      credential.userId,
      credential.name,
      credential.credentialId,
      Buffer.from(credential.publicKey).toString('base64url'),
      credential.signCount,
      credential.transports,
      credential.aaguid,
      credential.discoverable,
      credential.backedUp,
    ],
  );
  if (!row) throw new Error('insert returned no row');
  return row.id;
}

/** Finds a credential by the id the authenticator reports. */
export async function findWebAuthnCredential(
  db: Queryable,
  credentialId: string,
): Promise<WebAuthnCredentialRecord | undefined> {
  const row = await queryOne<Row>(db, `SELECT ${COLUMNS} FROM webauthn_devices WHERE credential_id = $1`, [
    credentialId,
  ]);
  return row && toRecord(row);
}

/** A credential by its row id (what the API's pk is). */
export async function findWebAuthnDeviceById(
  db: Queryable,
  id: number,
): Promise<WebAuthnCredentialRecord | undefined> {
  const row = await queryOne<Row>(db, `SELECT ${COLUMNS} FROM webauthn_devices WHERE id = $1`, [id]);
  return row && toRecord(row);
}

/** Every credential of a user (for allowCredentials and excludeCredentials). */
export async function listUserCredentials(
  db: Queryable,
  userId: number,
): Promise<WebAuthnCredentialRecord[]> {
  const rows = await db.query<Row>(
    `SELECT ${COLUMNS} FROM webauthn_devices WHERE user_id = $1 AND confirmed ORDER BY id`,
    [userId],
  );
  return rows.map(toRecord);
}

/**
 * Moves a credential's counter from `previous` to `next` and marks it used, only if nobody moved it since:
 * of two assertions verified at once against the same counter, one wins and the other is refused.
 */
export async function advanceSignCount(
  db: Queryable,
  id: number,
  previous: number,
  next: number,
): Promise<boolean> {
  const rows = await db.query(
    `UPDATE webauthn_devices SET sign_count = $3, last_used = now()
      WHERE id = $1 AND sign_count = $2 RETURNING id`,
    [id, previous, next],
  );
  return rows.length > 0;
}
