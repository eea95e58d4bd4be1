import type { Executor } from './handle.js';

/** Passkeys / security keys (WebAuthn credentials) and the challenges of ceremonies in flight. */
export interface Passkey {
  readonly id: string;
  readonly userId: string;
  /** base64url credential id. */
  readonly credentialId: string;
  /** base64url COSE public key. */
  readonly publicKey: string;
  readonly signCount: number;
  readonly transports: readonly string[];
  readonly name: string;
  readonly createdAt: number;
  readonly lastUsedAt: number | null;
}

export const WEBAUTHN_PURPOSES = ['registration', 'authentication'] as const;
export type WebauthnPurpose = (typeof WEBAUTHN_PURPOSES)[number];

export async function listPasskeys(db: Executor, userId: string): Promise<Passkey[]> {
  const rows = await db
    .selectFrom('passkeys')
    .selectAll()
    .where('user_id', '=', userId)
    .orderBy('created_at')
    .execute();
  return rows.map((row) => {
    const transports: unknown = JSON.parse(row.transports);
    return {
      id: row.id,
      userId: row.user_id,
      credentialId: row.credential_id,
      publicKey: row.public_key,
      signCount: Number(row.sign_count),
      transports: Array.isArray(transports) ? transports.filter((t) => typeof t === 'string') : [],
      name: row.name,
      createdAt: row.created_at,
      lastUsedAt: row.last_used_at,
    };
  });
}

export async function insertPasskey(db: Executor, passkey: Passkey): Promise<void> {
  await db
    .insertInto('passkeys')
    .values({
      id: passkey.id,
      user_id: passkey.userId,
      credential_id: passkey.credentialId,
      public_key: passkey.publicKey,
      sign_count: passkey.signCount,
      transports: JSON.stringify(passkey.transports),
      name: passkey.name,
      created_at: passkey.createdAt,
      last_used_at: passkey.lastUsedAt,
    })
    .execute();
}

export async function recordPasskeyUse(
  db: Executor,
  id: string,
  signCount: number,
  at: number,
): Promise<void> {
  await db
    .updateTable('passkeys')
    .set({ sign_count: signCount, last_used_at: at })
    .where('id', '=', id)
    .execute();
}

/** Renames one of the user's passkeys; false when the id is not theirs. */
export async function renamePasskey(
  db: Executor,
  userId: string,
  id: string,
  name: string,
): Promise<boolean> {
  const result = await db
    .updateTable('passkeys')
    .set({ name })
    .where('user_id', '=', userId)
    .where('id', '=', id)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

export async function deletePasskey(db: Executor, userId: string, id: string): Promise<boolean> {
  const result = await db
    .deleteFrom('passkeys')
    .where('user_id', '=', userId)
    .where('id', '=', id)
    .executeTakeFirst();
  return result.numDeletedRows > 0n;
}

/** Keeps one challenge per user and purpose; a new ceremony replaces an unfinished one. */
export async function saveChallenge(
  db: Executor,
  challenge: {
    readonly userId: string;
    readonly purpose: WebauthnPurpose;
    readonly value: string;
    readonly expiresAt: number;
  },
): Promise<void> {
  await db
    .deleteFrom('webauthn_challenges')
    .where('user_id', '=', challenge.userId)
    .where('purpose', '=', challenge.purpose)
    .execute();
  await db
    .insertInto('webauthn_challenges')
    .values({
      user_id: challenge.userId,
      purpose: challenge.purpose,
      challenge: challenge.value,
      expires_at: challenge.expiresAt,
    })
    .execute();
}

/**
 * Takes the user's unexpired challenge for this purpose, deleting it so it serves one
 * ceremony only; undefined when there is none (or another instance took it first).
 */
export async function takeChallenge(
  db: Executor,
  userId: string,
  purpose: WebauthnPurpose,
  now: number,
): Promise<string | undefined> {
  const row = await db
    .selectFrom('webauthn_challenges')
    .select(['challenge', 'expires_at'])
    .where('user_id', '=', userId)
    .where('purpose', '=', purpose)
    .executeTakeFirst();
  if (!row) return undefined;
  const taken = await db
    .deleteFrom('webauthn_challenges')
    .where('user_id', '=', userId)
    .where('purpose', '=', purpose)
    .where('challenge', '=', row.challenge)
    .executeTakeFirst();
  return taken.numDeletedRows > 0n && row.expires_at > now ? row.challenge : undefined;
}
