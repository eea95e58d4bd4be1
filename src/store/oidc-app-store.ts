import type { Executor } from './database.js';
import type { OidcAppTable } from './schema.js';

/** An app as the services see it; the secret's hash stays in the store (see findAppSecretHash). */
export interface OidcApp {
  readonly id: string;
  readonly practiceId: string;
  readonly clientId: string;
  readonly name: string;
  readonly redirectUris: readonly string[];
  readonly postLogoutRedirectUris: readonly string[];
  readonly backchannelLogoutUri: string | null;
  readonly confidential: boolean;
  readonly firstParty: boolean;
  readonly createdAt: number;
}

export interface OidcAppChange {
  readonly name?: string;
  readonly redirectUris?: readonly string[];
  readonly postLogoutRedirectUris?: readonly string[];
  readonly backchannelLogoutUri?: string | null;
  readonly firstParty?: boolean;
}

/** Every column but the secret's hash: no selectAll on a table that holds secrets. */
const PUBLIC_COLUMNS = [
  'id',
  'practice_id',
  'client_id',
  'name',
  'redirect_uris',
  'post_logout_redirect_uris',
  'backchannel_logout_uri',
  'confidential',
  'first_party',
  'created_at',
] as const;

type PublicRow = Pick<OidcAppTable, (typeof PUBLIC_COLUMNS)[number]>;

function appFromRow(row: PublicRow): OidcApp {
  return {
    id: row.id,
    practiceId: row.practice_id,
    clientId: row.client_id,
    name: row.name,
    redirectUris: JSON.parse(row.redirect_uris) as string[],
    postLogoutRedirectUris: JSON.parse(row.post_logout_redirect_uris) as string[],
    backchannelLogoutUri: row.backchannel_logout_uri,
    confidential: row.confidential === 1,
    firstParty: row.first_party === 1,
    createdAt: Number(row.created_at),
  };
}

export async function insertOidcApp(
  db: Executor,
  app: OidcApp,
  secretHash: string | null,
  now: number,
): Promise<void> {
  await db
    .insertInto('oidc_apps')
    .values({
      id: app.id,
      practice_id: app.practiceId,
      client_id: app.clientId,
      name: app.name,
      redirect_uris: JSON.stringify(app.redirectUris),
      post_logout_redirect_uris: JSON.stringify(app.postLogoutRedirectUris),
      backchannel_logout_uri: app.backchannelLogoutUri,
      confidential: app.confidential ? 1 : 0,
      first_party: app.firstParty ? 1 : 0,
      secret_hash: secretHash,
      created_at: now,
      updated_at: now,
    })
    .execute();
}

/** The practice's apps, oldest first. */
export async function listPracticeApps(db: Executor, practiceId: string): Promise<OidcApp[]> {
  const rows = await db
    .selectFrom('oidc_apps')
    .select(PUBLIC_COLUMNS)
    .where('practice_id', '=', practiceId)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  return rows.map(appFromRow);
}

/** The app with this id inside this practice only; undefined for another practice's app. */
export async function findPracticeApp(
  db: Executor,
  practiceId: string,
  id: string,
): Promise<OidcApp | undefined> {
  const row = await db
    .selectFrom('oidc_apps')
    .select(PUBLIC_COLUMNS)
    .where('practice_id', '=', practiceId)
    .where('id', '=', id)
    .executeTakeFirst();
  return row && appFromRow(row);
}

/** The app and its secret's hash by OAuth client_id, for the provider's client lookup. */
export async function findAppByClientId(
  db: Executor,
  clientId: string,
): Promise<{ readonly app: OidcApp; readonly secretHash: string | null } | undefined> {
  const row = await db
    .selectFrom('oidc_apps')
    .select([...PUBLIC_COLUMNS, 'secret_hash'])
    .where('client_id', '=', clientId)
    .executeTakeFirst();
  return row && { app: appFromRow(row), secretHash: row.secret_hash };
}

export async function updateOidcApp(
  db: Executor,
  id: string,
  change: OidcAppChange,
  now: number,
): Promise<void> {
  await db
    .updateTable('oidc_apps')
    .set({
      ...(change.name !== undefined && { name: change.name }),
      ...(change.redirectUris && { redirect_uris: JSON.stringify(change.redirectUris) }),
      ...(change.postLogoutRedirectUris && {
        post_logout_redirect_uris: JSON.stringify(change.postLogoutRedirectUris),
      }),
      ...(change.backchannelLogoutUri !== undefined && {
        backchannel_logout_uri: change.backchannelLogoutUri,
      }),
      ...(change.firstParty !== undefined && { first_party: change.firstParty ? 1 : 0 }),
      updated_at: now,
    })
    .where('id', '=', id)
    .execute();
}

export async function setAppSecretHash(db: Executor, id: string, secretHash: string, now: number) {
  await db
    .updateTable('oidc_apps')
    .set({ secret_hash: secretHash, updated_at: now })
    .where('id', '=', id)
    .execute();
}

export async function deleteOidcApp(db: Executor, id: string): Promise<void> {
  await db.deleteFrom('oidc_apps').where('id', '=', id).execute();
}

/** Whether any practice has registered an app (the provider then needs PUBLIC_URL). */
export async function anyOidcApp(db: Executor): Promise<boolean> {
  const row = await db.selectFrom('oidc_apps').select('id').limit(1).executeTakeFirst();
  return row !== undefined;
}
