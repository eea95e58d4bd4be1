import { sql, type Insertable } from 'kysely';
import { randomUUID } from 'node:crypto';
import { boundedCache } from '../domain/bounded-cache.js';
import type { StageProgress, SignInStage } from '../domain/session-stage.js';
import { compiledOnce } from './compiled-once.js';
import type { Dialect, Executor, RowArrayReader } from './database.js';
import { lookupBatcher, type BatchLimits, type Lookup } from './lookup-batch.js';
import { practiceFromRow, type Practice } from './practice-store.js';
import type { PracticeRow, SessionRow, SessionTable } from './schema.js';
import { USER_COLUMNS, userFromValues, type User } from './user-store.js';

export interface StoredSession {
  /** SHA-256 of the token. */
  readonly id: string;
  readonly userId: string;
  readonly practiceId: string;
  readonly stage: SignInStage;
  readonly progress: StageProgress;
  readonly createdAt: number;
  readonly lastSeenAt: number;
  readonly ip: string;
  readonly userAgent: string;
}

export function sessionFromRow(row: Omit<SessionRow, 'public_id'>): StoredSession {
  return {
    id: row.id,
    userId: row.user_id,
    practiceId: row.practice_id,
    stage: row.stage as SignInStage,
    progress: parsedProgress(row.progress),
    createdAt: row.created_at,
    lastSeenAt: row.last_seen_at,
    ip: row.ip,
    userAgent: row.user_agent,
  };
}

/** Progress documents parsed once per distinct text (a handful exist): shared, so read-only. */
const progressByText = boundedCache<string, StageProgress>(100);

function parsedProgress(text: string): StageProgress {
  return progressByText(text, () => Object.freeze(JSON.parse(text) as StageProgress));
}

export async function insertSession(db: Executor, session: StoredSession): Promise<void> {
  await insertSessionRow(db, {
    id: session.id,
    user_id: session.userId,
    practice_id: session.practiceId,
    stage: session.stage,
    progress: JSON.stringify(session.progress),
    created_at: session.createdAt,
    last_seen_at: session.lastSeenAt,
    ip: session.ip,
    user_agent: session.userAgent,
    public_id: randomUUID(),
  });
}

// Every sign-in makes one.
const insertSessionRow = compiledOnce(
  [
    'id',
    'user_id',
    'practice_id',
    'stage',
    'progress',
    'created_at',
    'last_seen_at',
    'ip',
    'user_agent',
    'public_id',
  ],
  (db, row: Insertable<SessionTable>) => db.insertInto('sessions').values(row),
);

/**
 * What the session lookup selects, in order: the user's columns (USER_COLUMNS), then the
 * session's and the practice's. Its rows come back as arrays and are read by position (no
 * object per row, no name lookups): the lookup runs on every authenticated request.
 */
const LOOKUP_SELECTION = [
  ...USER_COLUMNS.map((column) => `users.${column}` as const),
  'sessions.id as session_id',
  'sessions.practice_id as session_practice_id',
  'sessions.stage as session_stage',
  'sessions.progress as session_progress',
  'sessions.created_at as session_created_at',
  'sessions.last_seen_at as session_last_seen_at',
  'sessions.ip as session_ip',
  'sessions.user_agent as session_user_agent',
  'practices.code as practice_code',
  'practices.name as practice_name',
  'practices.settings as practice_settings',
  'practices.created_at as practice_created_at',
] as const;

/** A lookup row's values after the user's, in LOOKUP_SELECTION's order. */
type LookupTail = readonly [
  sessionId: SessionRow['id'],
  sessionPracticeId: SessionRow['practice_id'],
  stage: SessionRow['stage'],
  progress: SessionRow['progress'],
  createdAt: SessionRow['created_at'],
  lastSeenAt: SessionRow['last_seen_at'],
  ip: SessionRow['ip'],
  userAgent: SessionRow['user_agent'],
  practiceCode: PracticeRow['code'],
  practiceName: PracticeRow['name'],
  settings: PracticeRow['settings'],
  practiceCreatedAt: PracticeRow['created_at'],
];

function buildSessionLookup(db: Executor, dialect: Dialect) {
  // Joined on the user's id alone: with a second condition on users.practice_id, PostgreSQL's
  // generic plan for unanalyzed tables walked the practice's users index for every session
  // (0.7 ms a batch instead of 0.16). That session and user share a practice is checked below.
  return db
    .selectFrom('sessions')
    .innerJoin('users', 'users.id', 'sessions.user_id')
    .innerJoin('practices', 'practices.id', 'users.practice_id')
    .select(LOOKUP_SELECTION)
    .where(
      // One parameter for any number of ids, so each database keeps one prepared statement.
      dialect === 'postgres'
        ? sql<boolean>`sessions.id = any(${''}::text[])`
        : sql<boolean>`sessions.id in (select value from json_each(${''}))`,
    );
}

export interface SessionWithAccount {
  readonly session: StoredSession;
  readonly user: User;
  readonly practice: Practice;
}

/**
 * The session lookup every authenticated request makes: a session with its user and practice,
 * one indexed join for all the ids asked at once (lookup-batch.ts). Compiled once per store.
 */
export function sessionLookup(
  db: Executor,
  dialect: Dialect,
  readRows: RowArrayReader,
  limits: BatchLimits,
): Lookup<string, SessionWithAccount> {
  const { sql: text } = buildSessionLookup(db, dialect).compile();
  return lookupBatcher(async (ids) => {
    const rows = await readRows(text, [dialect === 'postgres' ? ids : JSON.stringify(ids)]);
    const found = new Map<string, SessionWithAccount>();
    for (const values of rows) {
      const account = sessionWithAccountFromValues(values);
      if (account) found.set(account.session.id, account);
    }
    return found;
  }, limits);
}

function sessionWithAccountFromValues(values: readonly unknown[]): SessionWithAccount | undefined {
  const user = userFromValues(values);
  const [id, practiceId, stage, progress, createdAt, lastSeenAt, ip, userAgent, code, name, settings, since] =
    values.slice(USER_COLUMNS.length) as unknown as LookupTail;
  // A session is its user's in their own practice, never another's.
  if (practiceId !== user.practiceId) return undefined;
  return {
    session: sessionFromRow({
      id,
      user_id: user.id,
      practice_id: practiceId,
      stage,
      progress,
      created_at: createdAt,
      last_seen_at: lastSeenAt,
      ip,
      user_agent: userAgent,
    }),
    user,
    practice: practiceFromRow({ id: practiceId, code, name, settings, created_at: since }),
  };
}

export async function touchSession(db: Executor, id: string, at: number): Promise<void> {
  await db.updateTable('sessions').set({ last_seen_at: at }).where('id', '=', id).execute();
}

/**
 * Moves a session to its next stage under a new id (S2: a new session id at every stage change);
 * returns false when the old id was already gone (revoked meanwhile).
 */
export async function advanceSession(
  db: Executor,
  oldId: string,
  next: {
    readonly id: string;
    readonly stage: SignInStage;
    readonly progress: StageProgress;
    readonly at: number;
  },
): Promise<boolean> {
  const result = await db
    .updateTable('sessions')
    .set({ id: next.id, stage: next.stage, progress: JSON.stringify(next.progress), last_seen_at: next.at })
    .where('id', '=', oldId)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

export async function deleteSession(db: Executor, id: string): Promise<boolean> {
  const result = await db.deleteFrom('sessions').where('id', '=', id).executeTakeFirst();
  return result.numDeletedRows > 0n;
}

/** Ends every session of a user, optionally keeping one (the caller's own). Returns how many ended. */
export async function deleteUserSessions(
  db: Executor,
  userId: string,
  options: { readonly exceptId?: string } = {},
): Promise<number> {
  let query = db.deleteFrom('sessions').where('user_id', '=', userId);
  if (options.exceptId !== undefined) query = query.where('id', '!=', options.exceptId);
  const result = await query.executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** Ends a user's sign-ins still in progress (any stage before signed_in). Returns how many ended. */
export async function deleteUserPendingSessions(db: Executor, userId: string): Promise<number> {
  const result = await db
    .deleteFrom('sessions')
    .where('user_id', '=', userId)
    .where('stage', '!=', 'signed_in')
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
