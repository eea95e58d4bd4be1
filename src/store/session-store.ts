import type { Insertable } from 'kysely';
import { randomUUID } from 'node:crypto';
import { boundedCache } from '../domain/bounded-cache.js';
import type { StageProgress, SignInStage } from '../domain/session-stage.js';
import { arrayRowReader, joinedColumns, selectionOf, type FieldReader } from './column-map.js';
import { compiledOnce } from './compiled-once.js';
import type { Executor, Store } from './handle.js';
import { lookupBatcher, type Lookup } from './lookup-batch.js';
import { PRACTICE_FIELDS, practiceFrom, type Practice } from './practice-store.js';
import type { SessionRow, SessionTable } from './schema.js';
import { USER_FIELDS, userFrom, type User } from './user-store.js';

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
 * What the session lookup reads: the user's, the practice's and the session's columns. Its rows
 * come back as arrays (no object per row: the lookup runs on every authenticated request), read
 * by field name at the positions the select list gave each field (column-map.ts).
 */
const LOOKUP_FIELDS = joinedColumns(joinedColumns(USER_FIELDS, PRACTICE_FIELDS), {
  sessionId: 'sessions.id',
  sessionPracticeId: 'sessions.practice_id',
  stage: 'sessions.stage',
  progress: 'sessions.progress',
  sessionCreatedAt: 'sessions.created_at',
  sessionLastSeenAt: 'sessions.last_seen_at',
  sessionIp: 'sessions.ip',
  sessionUserAgent: 'sessions.user_agent',
} as const);

const readLookupValue = arrayRowReader(LOOKUP_FIELDS);

/** The lookup's text, with one parameter: the list of session ids. */
function sessionLookupText(store: Store): string {
  // Joined on the user's id alone: with a second condition on users.practice_id, PostgreSQL's
  // generic plan for unanalyzed tables walked the practice's users index for every session
  // (0.7 ms a batch instead of 0.16). That session and user share a practice is checked below.
  return store.db
    .selectFrom('sessions')
    .innerJoin('users', 'users.id', 'sessions.user_id')
    .innerJoin('practices', 'practices.id', 'users.practice_id')
    .select(selectionOf(LOOKUP_FIELDS))
    .where(store.sql.isInList('sessions.id', ''))
    .compile().sql;
}

export interface SessionWithAccount {
  readonly session: StoredSession;
  readonly user: User;
  readonly practice: Practice;
}

/** Each store's session lookup, made at its first use. */
const sessionLookups = new WeakMap<Store, Lookup<string, SessionWithAccount>>();

/**
 * A session with its user and practice, read from the database for this call: the lookup every
 * authenticated request makes, one indexed join for all the ids asked at once (lookup-batch.ts).
 */
export function findSessionWithAccount(store: Store, id: string): Promise<SessionWithAccount | undefined> {
  let lookup = sessionLookups.get(store);
  if (!lookup) {
    lookup = sessionLookup(store);
    sessionLookups.set(store, lookup);
  }
  return lookup(id);
}

/** At most this many sessions in one lookup query. */
const SESSION_LOOKUP_BATCH = 64;

function sessionLookup(store: Store): Lookup<string, SessionWithAccount> {
  const text = sessionLookupText(store);
  return lookupBatcher(
    async (ids) => {
      const rows = await store.readRowArrays({ sql: text, parameters: [store.sql.listParameter(ids)] });
      const found = new Map<string, SessionWithAccount>();
      for (const values of rows) {
        const account = sessionWithAccountFromValues(values);
        if (account) found.set(account.session.id, account);
      }
      return found;
    },
    { maxBatch: SESSION_LOOKUP_BATCH, maxInFlight: store.parallelReads },
  );
}

function sessionWithAccountFromValues(values: readonly unknown[]): SessionWithAccount | undefined {
  const read: FieldReader<typeof LOOKUP_FIELDS> = (field) => readLookupValue(values, field);
  const user = userFrom(read);
  const practiceId = read('sessionPracticeId');
  // A session is its user's in their own practice, never another's.
  if (practiceId !== user.practiceId) return undefined;
  return {
    session: sessionFromRow({
      id: read('sessionId'),
      user_id: user.id,
      practice_id: practiceId,
      stage: read('stage'),
      progress: read('progress'),
      created_at: read('sessionCreatedAt'),
      last_seen_at: read('sessionLastSeenAt'),
      ip: read('sessionIp'),
      user_agent: read('sessionUserAgent'),
    }),
    user,
    practice: practiceFrom(read),
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
