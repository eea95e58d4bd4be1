import type { Executor } from './database.js';

export interface StoredSigningKey {
  readonly kid: string;
  readonly alg: string;
  /** The private JWK sealed under the instance key (domain/secret-box.ts). */
  readonly privateJwkBox: string;
  readonly createdAt: number;
  readonly retiredAt: number | null;
}

/** Every kept key, the one that signs (not retired, newest) first. */
export async function listSigningKeys(db: Executor): Promise<StoredSigningKey[]> {
  const rows = await db
    .selectFrom('oidc_signing_keys')
    .select(['kid', 'alg', 'private_jwk_box', 'created_at', 'retired_at'])
    .orderBy((eb) => eb.case().when('retired_at', 'is', null).then(0).else(1).end())
    .orderBy('created_at', 'desc')
    .execute();
  return rows.map((row) => ({
    kid: row.kid,
    alg: row.alg,
    privateJwkBox: row.private_jwk_box,
    createdAt: Number(row.created_at),
    retiredAt: row.retired_at === null ? null : Number(row.retired_at),
  }));
}

export async function insertSigningKey(
  db: Executor,
  key: StoredSigningKey & { readonly publicJwk: string },
): Promise<void> {
  await db
    .insertInto('oidc_signing_keys')
    .values({
      kid: key.kid,
      alg: key.alg,
      private_jwk_box: key.privateJwkBox,
      public_jwk: key.publicJwk,
      created_at: key.createdAt,
      retired_at: key.retiredAt,
    })
    .execute();
}

/** Retires every key that signs now (a newer one takes over); they stay for JWKS. */
export async function retireSigningKeys(db: Executor, now: number): Promise<void> {
  await db
    .updateTable('oidc_signing_keys')
    .set({ retired_at: now })
    .where('retired_at', 'is', null)
    .execute();
}

/** Replaces a key's sealed box if it is still the one read; true when it was. */
export async function replaceSigningKeyBox(
  db: Executor,
  kid: string,
  from: string,
  to: string,
): Promise<boolean> {
  const result = await db
    .updateTable('oidc_signing_keys')
    .set({ private_jwk_box: to })
    .where('kid', '=', kid)
    .where('private_jwk_box', '=', from)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}
