import type { Executor } from './database.js';
import { selectionOf } from './column-map.js';
import { USER_FIELDS, userFromRow, type User } from './user-store.js';

/** A user with what the OpenID Connect claims add: the practice's code and the fhirUser URL. */
export interface OidcAccount {
  readonly user: User;
  readonly practiceCode: string;
  readonly fhirUser: string | null;
}

/** The user with this id in any practice (an ID token's `sub`); undefined when there is none. */
export async function findOidcAccount(db: Executor, userId: string): Promise<OidcAccount | undefined> {
  const row = await db
    .selectFrom('users')
    .innerJoin('practices', 'practices.id', 'users.practice_id')
    .select([...selectionOf(USER_FIELDS), 'users.fhir_user', 'practices.code as practice_code'])
    .where('users.id', '=', userId)
    .executeTakeFirst();
  return row && { user: userFromRow(row), practiceCode: row.practice_code, fhirUser: row.fhir_user };
}

/** The user's fhirUser URL (null when unset); undefined when no such user is in the practice. */
export async function findFhirUser(
  db: Executor,
  practiceId: string,
  userId: string,
): Promise<string | null | undefined> {
  const row = await db
    .selectFrom('users')
    .select('fhir_user')
    .where('practice_id', '=', practiceId)
    .where('id', '=', userId)
    .executeTakeFirst();
  return row?.fhir_user;
}

export async function setFhirUser(
  db: Executor,
  practiceId: string,
  userId: string,
  fhirUser: string | null,
  at: number,
): Promise<void> {
  await db
    .updateTable('users')
    .set({ fhir_user: fhirUser, updated_at: at })
    .where('practice_id', '=', practiceId)
    .where('id', '=', userId)
    .execute();
}
