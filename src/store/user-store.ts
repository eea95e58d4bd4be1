import { foldIdentifier } from '../domain/identifiers.js';
import { boundedCache } from '../domain/bounded-cache.js';
import { isRole, type Role } from '../domain/roles.js';
import { joinedColumns, selectionOf, type ColumnMap, type FieldReader, type RowOf } from './column-map.js';
import { compiledOnce } from './compiled-once.js';
import type { Executor } from './handle.js';
import { PRACTICE_FIELDS, practiceFrom, type Practice } from './practice-store.js';
import { endResetTokens } from './reset-token-store.js';

/** A user as the services see it. The password hash is only in `UserCredentials`. */
export interface User {
  readonly id: string;
  readonly practiceId: string;
  readonly username: string;
  readonly firstName: string;
  readonly lastName: string;
  readonly email: string;
  readonly roles: readonly Role[];
  readonly supervisor: boolean;
  readonly status: 'active' | 'deactivated';
  readonly passwordChangedAt: number;
  readonly passwordMustChange: boolean;
  readonly temporaryPasswordExpiresAt: number | null;
  readonly failedAttempts: number;
  readonly lockedUntil: number | null;
  /** Locks in a row since the last completed sign-in; each repeat lock lasts twice as long. */
  readonly lockCount: number;
  readonly lastLogin: { readonly at: number; readonly ip: string; readonly userAgent: string } | null;
  readonly createdAt: number;
}

export interface UserCredentials {
  readonly user: User;
  readonly passwordHash: string;
}

export interface NewUser {
  readonly id: string;
  readonly practiceId: string;
  readonly username: string;
  readonly firstName: string;
  readonly lastName: string;
  readonly email: string;
  readonly roles: readonly Role[];
  /** The Supervisor flag; false when omitted. */
  readonly supervisor?: boolean;
  readonly passwordHash: string;
  readonly passwordMustChange: boolean;
  readonly temporaryPasswordExpiresAt: number | null;
  readonly now: number;
}

/**
 * The columns a User is made of, by field: what reads that do not verify a password select.
 * (Not the password hash, nor the folded user name and update time, which only SQL uses.)
 */
export const USER_FIELDS = {
  id: 'users.id',
  practiceId: 'users.practice_id',
  username: 'users.username',
  firstName: 'users.first_name',
  lastName: 'users.last_name',
  email: 'users.email',
  roles: 'users.roles',
  supervisor: 'users.supervisor',
  status: 'users.status',
  passwordChangedAt: 'users.password_changed_at',
  passwordMustChange: 'users.password_must_change',
  temporaryPasswordExpiresAt: 'users.temporary_password_expires_at',
  failedAttempts: 'users.failed_attempts',
  lockedUntil: 'users.locked_until',
  lockCount: 'users.lock_count',
  lastLoginAt: 'users.last_login_at',
  lastLoginIp: 'users.last_login_ip',
  lastLoginUserAgent: 'users.last_login_user_agent',
  createdAt: 'users.created_at',
} as const satisfies ColumnMap<'users'>;

const USER_SELECTION = selectionOf(USER_FIELDS);

/** A user from a row read through USER_FIELDS, as objects (userFromRow) or as arrays (the session lookup). */
export function userFrom(read: FieldReader<typeof USER_FIELDS>): User {
  const lastLoginAt = read('lastLoginAt');
  return {
    id: read('id'),
    practiceId: read('practiceId'),
    username: read('username'),
    firstName: read('firstName'),
    lastName: read('lastName'),
    email: read('email'),
    roles: parsedRoles(read('roles')),
    supervisor: read('supervisor') === 1,
    status: read('status'),
    passwordChangedAt: read('passwordChangedAt'),
    passwordMustChange: read('passwordMustChange') === 1,
    temporaryPasswordExpiresAt: read('temporaryPasswordExpiresAt'),
    failedAttempts: read('failedAttempts'),
    lockedUntil: read('lockedUntil'),
    lockCount: read('lockCount'),
    lastLogin:
      lastLoginAt === null
        ? null
        : { at: lastLoginAt, ip: read('lastLoginIp') ?? '', userAgent: read('lastLoginUserAgent') ?? '' },
    createdAt: read('createdAt'),
  };
}

export function userFromRow(row: RowOf<typeof USER_FIELDS>): User {
  return userFrom((field) => row[field]);
}

/** Role lists parsed once per distinct text (there are few): shared, so read-only. */
const rolesByText = boundedCache<string, readonly Role[]>(100);

function parsedRoles(text: string): readonly Role[] {
  return rolesByText(text, () => {
    const roles: unknown = JSON.parse(text);
    return Object.freeze(Array.isArray(roles) ? roles.filter(isRole) : []);
  });
}

/** A practice named by its code, and its user of a given name when there is one. */
export interface NamedAccount {
  readonly practice: Practice;
  readonly credentials: UserCredentials | undefined;
}

/**
 * The practice with this code and its user with this name (both case-folded), in one query:
 * sign-in makes it before every password check, so a round trip less counts on PostgreSQL.
 * Undefined when no practice has the code.
 */
export async function findAccountByName(
  db: Executor,
  practiceCode: string,
  username: string,
): Promise<NamedAccount | undefined> {
  const [row] = (
    await selectAccountByName(db, {
      codeFolded: foldIdentifier(practiceCode),
      usernameFolded: foldIdentifier(username),
    })
  ).rows;
  if (!row) return undefined;
  const practiceRow: RowOf<typeof PRACTICE_FIELDS> = row;
  const practice = practiceFrom((field) => practiceRow[field]);
  // The left join's user columns are all null when the practice has no user of that name, and
  // none is null when it has one.
  if (row.passwordHash === null) return { practice, credentials: undefined };
  const user = userFromRow(row as RowOf<typeof USER_FIELDS>);
  return { practice, credentials: { user, passwordHash: row.passwordHash } };
}

/** What the sign-in's first read selects: the practice, and its user's columns with the password hash. */
const ACCOUNT_BY_NAME_SELECTION = selectionOf(
  joinedColumns(joinedColumns(PRACTICE_FIELDS, USER_FIELDS), {
    passwordHash: 'users.password_hash',
  } as const),
);

// Every sign-in, before its password check.
const selectAccountByName = compiledOnce(
  ['codeFolded', 'usernameFolded'],
  (db, names: { codeFolded: string; usernameFolded: string }) =>
    db
      .selectFrom('practices')
      .leftJoin('users', (join) =>
        join
          .onRef('users.practice_id', '=', 'practices.id')
          .on('users.username_folded', '=', names.usernameFolded),
      )
      .select(ACCOUNT_BY_NAME_SELECTION)
      .where('practices.code_folded', '=', names.codeFolded),
);

/** A practice named by its code, and its user of a given name when there is one; no password hash. */
export interface NamedUser {
  readonly practice: Practice;
  readonly user: User | undefined;
}

/**
 * findAccountByName without the password hash, for callers that do not check a password (a
 * reset request, the CLI). The same statement as sign-in's, so an answer takes the same time.
 */
export async function findUserByName(
  db: Executor,
  practiceCode: string,
  username: string,
): Promise<NamedUser | undefined> {
  const account = await findAccountByName(db, practiceCode, username);
  return account && { practice: account.practice, user: account.credentials?.user };
}

/**
 * Every read or write of a user by id also takes the user's practice: an id of another practice
 * finds and changes nothing.
 */
export async function findUserById(db: Executor, practiceId: string, id: string): Promise<User | undefined> {
  const row = await db
    .selectFrom('users')
    .select(USER_SELECTION)
    .where('practice_id', '=', practiceId)
    .where('id', '=', id)
    .executeTakeFirst();
  return row && userFromRow(row);
}

export async function insertUser(db: Executor, user: NewUser): Promise<void> {
  await db
    .insertInto('users')
    .values({
      id: user.id,
      practice_id: user.practiceId,
      username: user.username,
      username_folded: foldIdentifier(user.username),
      first_name: user.firstName,
      last_name: user.lastName,
      email: user.email,
      roles: JSON.stringify(user.roles),
      supervisor: user.supervisor ? 1 : 0,
      status: 'active',
      password_hash: user.passwordHash,
      password_changed_at: user.now,
      password_must_change: user.passwordMustChange ? 1 : 0,
      temporary_password_expires_at: user.temporaryPasswordExpiresAt,
      created_at: user.now,
      updated_at: user.now,
    })
    .execute();
}

/** Records a successful sign-in and clears the failure count, any lock and the repeat-lock count. */
export async function recordSuccessfulLogin(
  db: Executor,
  practiceId: string,
  userId: string,
  login: { readonly at: number; readonly ip: string; readonly userAgent: string },
): Promise<void> {
  await updateLastLogin(db, { practiceId, userId, at: login.at, ip: login.ip, userAgent: login.userAgent });
}

// Every sign-in records one.
const updateLastLogin = compiledOnce(
  ['practiceId', 'userId', 'at', 'ip', 'userAgent'],
  (db, login: { practiceId: string; userId: string; at: number; ip: string; userAgent: string }) =>
    db
      .updateTable('users')
      .set({
        last_login_at: login.at,
        last_login_ip: login.ip,
        last_login_user_agent: login.userAgent,
        failed_attempts: 0,
        locked_until: null,
        lock_count: 0,
        updated_at: login.at,
      })
      .where('practice_id', '=', login.practiceId)
      .where('id', '=', login.userId),
);

export async function setUserStatus(
  db: Executor,
  practiceId: string,
  userId: string,
  status: User['status'],
  at: number,
): Promise<void> {
  await db
    .updateTable('users')
    .set({ status, updated_at: at })
    .where('practice_id', '=', practiceId)
    .where('id', '=', userId)
    .execute();
}

/** Replaces an outdated hash of the same password (argon2 parameters raised). */
export async function replacePasswordHash(
  db: Executor,
  practiceId: string,
  userId: string,
  passwordHash: string,
): Promise<void> {
  await db
    .updateTable('users')
    .set({ password_hash: passwordHash })
    .where('practice_id', '=', practiceId)
    .where('id', '=', userId)
    .execute();
}

/** Every user of a practice, ordered by last name, first name. */
export async function listPracticeUsers(db: Executor, practiceId: string): Promise<User[]> {
  const rows = await db
    .selectFrom('users')
    .select(USER_SELECTION)
    .where('practice_id', '=', practiceId)
    .orderBy('last_name')
    .orderBy('first_name')
    .orderBy('username_folded')
    .execute();
  return rows.map(userFromRow);
}

/** Active users with this email address (matched case-insensitively), in any practice. */
export async function findActiveUsersByEmail(db: Executor, email: string): Promise<User[]> {
  const rows = await db
    .selectFrom('users')
    .select(USER_SELECTION)
    .where((eb) => eb(eb.fn('lower', ['email']), '=', email.trim().toLowerCase()))
    .where('status', '=', 'active')
    .execute();
  return rows.map(userFromRow);
}

/** The stored hash, for checks that need it (history, current password). */
export async function findPasswordHash(
  db: Executor,
  practiceId: string,
  userId: string,
): Promise<string | undefined> {
  const row = await db
    .selectFrom('users')
    .select('password_hash')
    .where('practice_id', '=', practiceId)
    .where('id', '=', userId)
    .executeTakeFirst();
  return row?.password_hash;
}

/**
 * Sets a new password hash: a chosen one (mustChange false, no expiry) or a temporary one
 * (mustChange true, with its expiry). `clearFailures` also ends a lock (forgotten-password reset).
 * Every password change passes here (change, forced change, reset, admin reset), so here the
 * user's outstanding reset tokens end with it; call it inside the change's transaction.
 */
export async function setPasswordHash(
  db: Executor,
  practiceId: string,
  userId: string,
  change: {
    readonly passwordHash: string;
    readonly mustChange: boolean;
    readonly temporaryExpiresAt: number | null;
    readonly at: number;
    readonly clearFailures?: boolean;
  },
): Promise<void> {
  await db
    .updateTable('users')
    .set({
      password_hash: change.passwordHash,
      password_changed_at: change.at,
      password_must_change: change.mustChange ? 1 : 0,
      temporary_password_expires_at: change.temporaryExpiresAt,
      updated_at: change.at,
      ...(change.clearFailures ? { failed_attempts: 0, locked_until: null } : {}),
    })
    .where('practice_id', '=', practiceId)
    .where('id', '=', userId)
    .execute();
  await endResetTokens(db, userId);
}

/** Fields an administrator edits on a staff member. */
export interface UserProfileChange {
  readonly firstName: string;
  readonly lastName: string;
  readonly email: string;
  readonly roles: readonly Role[];
  readonly supervisor: boolean;
}

export async function updateUserProfile(
  db: Executor,
  practiceId: string,
  userId: string,
  change: UserProfileChange,
  at: number,
): Promise<void> {
  await db
    .updateTable('users')
    .set({
      first_name: change.firstName,
      last_name: change.lastName,
      email: change.email,
      roles: JSON.stringify(change.roles),
      supervisor: change.supervisor ? 1 : 0,
      updated_at: at,
    })
    .where('practice_id', '=', practiceId)
    .where('id', '=', userId)
    .execute();
}

export async function usernameTaken(db: Executor, practiceId: string, username: string): Promise<boolean> {
  const row = await db
    .selectFrom('users')
    .select('id')
    .where('practice_id', '=', practiceId)
    .where('username_folded', '=', foldIdentifier(username))
    .executeTakeFirst();
  return row !== undefined;
}

/** Every user name of the practice, deactivated users' included, for look-alike checks. */
export async function listUsernames(db: Executor, practiceId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('users')
    .select('username')
    .where('practice_id', '=', practiceId)
    .execute();
  return rows.map((row) => row.username);
}
