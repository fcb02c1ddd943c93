import type { Queryable } from '../db/database.ts';
import { queryOne } from '../db/database.ts';
import { type ListOptions, type ListShape, queryPage } from '../db/list-query.ts';
import type { SecretBox } from '../identity/secret-box.ts';
import { type CertificateInfo, certificateInfo, parseCertificate } from './certificate-info.ts';

/** A certificate-key pair as stored; the facts about the certificate are read from it. */
export interface CertificateKeypair {
  uuid: string;
  name: string;
  certificatePem: string;
  hasPrivateKey: boolean;
  managed: string | null;
  /** Changes whenever the certificate or key changes, so caches keyed on it see a rotation. */
  lastUpdated: Date;
  info: CertificateInfo | undefined;
}

interface Row {
  kp_uuid: string;
  name: string;
  certificate_data: string;
  has_key: boolean;
  managed: string | null;
  last_updated: Date | string;
}

const COLUMNS = `k.kp_uuid, k.name, k.certificate_data, k.key_data_sealed IS NOT NULL AS has_key, k.managed,
  k.last_updated`;
const FROM = 'FROM certificate_keypairs k';

const LIST_SHAPE: ListShape = {
  orderable: { name: 'k.name', pk: 'k.kp_uuid', managed: 'k.managed' },
  searchable: ['k.name'],
  defaultOrder: 'k.name ASC, k.kp_uuid ASC',
};

function toKeypair(row: Row): CertificateKeypair {
  const certificate = parseCertificate(row.certificate_data);
  return {
    uuid: row.kp_uuid,
    name: row.name,
    certificatePem: row.certificate_data,
    hasPrivateKey: row.has_key,
    managed: row.managed,
    lastUpdated: new Date(row.last_updated),
    info: certificate && certificateInfo(certificate),
  };
}

/** One keypair by uuid. */
export async function findKeypair(db: Queryable, uuid: string): Promise<CertificateKeypair | undefined> {
  const row = await queryOne<Row>(db, `SELECT ${COLUMNS} ${FROM} WHERE k.kp_uuid = $1`, [uuid]);
  return row && toKeypair(row);
}

/** One keypair by its `managed` name (such as the built-in self-signed one). */
export async function findManagedKeypair(
  db: Queryable,
  managed: string,
): Promise<CertificateKeypair | undefined> {
  const row = await queryOne<Row>(db, `SELECT ${COLUMNS} ${FROM} WHERE k.managed = $1`, [managed]);
  return row && toKeypair(row);
}

/** The list filters the API offers. */
export interface KeypairFilters {
  name?: string;
  hasKey?: boolean;
  keyTypes?: string[];
  managed?: string;
}

/** A page of keypairs. */
export async function listKeypairs(
  db: Queryable,
  options: ListOptions & { filter?: KeypairFilters },
): Promise<{ keypairs: CertificateKeypair[]; count: number }> {
  const f = options.filter ?? {};
  const conditions = [
    { sql: 'k.name = $?', value: f.name },
    { sql: '(k.key_data_sealed IS NOT NULL) = $?', value: f.hasKey },
    { sql: 'k.key_type = ANY($?)', value: f.keyTypes?.length ? f.keyTypes : undefined },
    { sql: 'k.managed = $?', value: f.managed },
  ];
  const { rows, count } = await queryPage<Row>(
    db,
    LIST_SHAPE,
    { ...options, conditions },
    { columns: COLUMNS, from: FROM },
  );
  return { keypairs: rows.map(toKeypair), count };
}

/** What a caller may set on a keypair; `privateKeyPem: null` removes the key. */
export interface KeypairFields {
  name?: string;
  certificatePem?: string;
  privateKeyPem?: string | null;
  managed?: string | null;
}

function keyTypeOf(pem: string): string | null {
  const certificate = parseCertificate(pem);
  return certificate ? certificateInfo(certificate).keyType : null;
}

/** Stores a keypair, sealing its private key with the secret key. */
export async function insertKeypair(
  db: Queryable,
  box: SecretBox,
  fields: KeypairFields & { name: string; certificatePem: string },
): Promise<CertificateKeypair> {
  const row = await queryOne<{ kp_uuid: string }>(
    db,
    `INSERT INTO certificate_keypairs (name, certificate_data, key_data_sealed, key_type, managed)
     VALUES ($1, $2, $3, $4, $5) RETURNING kp_uuid`,
    [
      fields.name,
      fields.certificatePem,
      fields.privateKeyPem ? box.seal(fields.privateKeyPem) : null,
      keyTypeOf(fields.certificatePem),
      fields.managed ?? null,
    ],
  );
  if (!row) throw new Error('insert returned no row');
  return (await findKeypair(db, row.kp_uuid)) as CertificateKeypair;
}

/** Applies changes; undefined when the keypair does not exist. */
export async function updateKeypair(
  db: Queryable,
  box: SecretBox,
  uuid: string,
  fields: KeypairFields,
): Promise<CertificateKeypair | undefined> {
  const params: unknown[] = [uuid];
  const sets = ['last_updated = now()'];
  if (fields.name !== undefined) sets.push(`name = $${params.push(fields.name)}`);
  if (fields.certificatePem !== undefined) {
    sets.push(`certificate_data = $${params.push(fields.certificatePem)}`);
    sets.push(`key_type = $${params.push(keyTypeOf(fields.certificatePem))}`);
  }
  if (fields.privateKeyPem !== undefined) {
    sets.push(`key_data_sealed = $${params.push(fields.privateKeyPem && box.seal(fields.privateKeyPem))}`);
  }
  if (fields.managed !== undefined) sets.push(`managed = $${params.push(fields.managed)}`);
  const updated = await db.query(
    `UPDATE certificate_keypairs SET ${sets.join(', ')} WHERE kp_uuid = $1 RETURNING kp_uuid`,
    params,
  );
  return updated.length ? findKeypair(db, uuid) : undefined;
}

/** Deletes a keypair; providers that used it lose their signing key or certificate. */
export async function deleteKeypair(db: Queryable, uuid: string): Promise<boolean> {
  return (
    (await db.query('DELETE FROM certificate_keypairs WHERE kp_uuid = $1 RETURNING kp_uuid', [uuid]))
      .length === 1
  );
}

/** The private key in clear (PEM), for signing and for the admin's view_private_key. */
export async function revealPrivateKey(
  db: Queryable,
  box: SecretBox,
  uuid: string,
): Promise<string | undefined> {
  const row = await queryOne<{ key_data_sealed: string | null }>(
    db,
    'SELECT key_data_sealed FROM certificate_keypairs WHERE kp_uuid = $1',
    [uuid],
  );
  return row?.key_data_sealed ? box.open(row.key_data_sealed) : undefined;
}
