// Bulk seeding for bench/data-size.mjs: practices, users, live sessions and audit events written
// straight into the tables in large batches (PostgreSQL: one INSERT … json_populate_recordset per
// batch; SQLite: one prepared INSERT, many rows per transaction), far faster than through the
// services. Practices and users are copies of rows the product itself wrote (a practice made
// by createPractice, its administrator), so every column holds what the product would write.
// Events are real chained rows: each practice's chain from seq 1, hashed as the product hashes
// (dist/src/domain/audit-event.js), its head in audit_chains, so `audit verify` passes.
import { randomBytes, randomUUID } from 'node:crypto';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import pg from 'pg';
import { ROOT } from './lib/processes.mjs';

const { openServices } = await import(path.join(ROOT, 'dist/src/runtime.js'));
const { configFromEnv } = await import(path.join(ROOT, 'dist/src/config.js'));
const { createPractice } = await import(path.join(ROOT, 'dist/src/services/settings/practices.js'));
const { foldIdentifier } = await import(path.join(ROOT, 'dist/src/domain/identifiers.js'));
const { GENESIS_HASH, hashedText, hashOfText } = await import(
  path.join(ROOT, 'dist/src/domain/audit-event.js')
);
const { SQLITE_FILE } = await import(path.join(ROOT, 'dist/src/store/database.js'));

/** Rows per INSERT (PostgreSQL) or per transaction (SQLite). */
const BATCH = 5000;

/**
 * Fills the database of `env` (DATABASE_URL, else DATA_DIR's SQLite file) with `counts`
 * ({ practices, users, sessions, events }, spread evenly over the practices); returns the
 * seconds each table took and in all.
 */
export async function bulkSeed(env, counts) {
  const started = performance.now();
  const template = await templateRows(env);
  const writer = env.DATABASE_URL ? await postgresWriter(env.DATABASE_URL) : sqliteWriter(env.DATA_DIR);
  const seconds = {};
  const timed = async (table, rows) => {
    const t0 = performance.now();
    await writer.write(table, rows);
    seconds[table] = (performance.now() - t0) / 1000;
  };
  try {
    const practices = Array.from({ length: counts.practices }, (_, p) => practiceRow(template.practice, p));
    await timed('practices', batches(practices));
    const users = Array.from({ length: counts.users }, (_, u) =>
      userRow(template.user, practices[u % practices.length], Math.floor(u / practices.length)),
    );
    await timed('users', batches(users));
    await timed('sessions', batches(sessionRows(users, counts.sessions)));
    const heads = [];
    await timed('audit_events', eventBatches(practices, users, counts.events, heads));
    await timed('audit_chains', batches(heads));
  } finally {
    await writer.close();
  }
  return { seconds, totalSeconds: (performance.now() - started) / 1000 };
}

/** A practice and its administrator as the product writes them, to copy. */
async function templateRows(env) {
  const deps = await openServices(configFromEnv({ ...process.env, ...env }));
  try {
    const created = await createPractice(deps, {
      code: 'TEMPLATE',
      name: 'Template Practice',
      admin: { username: 'admin', email: 'admin@template.test', firstName: 'A', lastName: 'Admin' },
      origin: { ip: '127.0.0.1', userAgent: 'bench seed' },
    });
    if (!created.ok) throw new Error(created.problem);
    const practice = await deps.store.db
      .selectFrom('practices')
      .selectAll()
      .where('id', '=', created.practice.id)
      .executeTakeFirstOrThrow();
    const user = await deps.store.db
      .selectFrom('users')
      .selectAll()
      .where('practice_id', '=', created.practice.id)
      .executeTakeFirstOrThrow();
    return { practice, user };
  } finally {
    await deps.store.close();
  }
}

function practiceRow(template, p) {
  const code = `D${p}`;
  return {
    ...template,
    id: randomUUID(),
    code,
    code_folded: foldIdentifier(code),
    name: `Data Practice ${p}`,
  };
}

function userRow(template, practice, n) {
  const username = `user${n}`;
  return {
    ...template,
    id: randomUUID(),
    practice_id: practice.id,
    username,
    username_folded: foldIdentifier(username),
    first_name: 'Data',
    last_name: `User ${n}`,
    email: `${username}@${practice.code.toLowerCase()}.test`,
    roles: JSON.stringify(['clinician']),
  };
}

/** Live sessions, signed in and seen just now, spread evenly over the users. */
function* sessionRows(users, count) {
  const now = Date.now();
  for (let s = 0; s < count; s++) {
    const user = users[s % users.length];
    yield {
      id: randomBytes(32).toString('base64url'),
      user_id: user.id,
      practice_id: user.practice_id,
      stage: 'signed_in',
      progress: JSON.stringify({ secondFactorDone: false, passwordChanged: false, twoFactorEnrolled: false }),
      created_at: now,
      last_seen_at: now,
      ip: '192.0.2.10',
      user_agent: 'Mozilla/5.0 (bench data-size seed)',
      public_id: randomUUID(),
    };
  }
}

/**
 * Each practice's chain, sign-ins of its users one after another, hashed and linked as the
 * product does; `heads` receives each chain's head row.
 */
function* eventBatches(practices, users, count, heads) {
  const perPractice = Math.ceil(count / practices.length);
  const usersOf = new Map(practices.map((practice) => [practice.id, []]));
  for (const user of users) usersOf.get(user.practice_id).push(user);
  const start = Date.now() - perPractice * 1000;
  let written = 0;
  let batch = [];
  for (const practice of practices) {
    const staff = usersOf.get(practice.id);
    let prevHash = GENESIS_HASH;
    let lastHash = GENESIS_HASH;
    let seq = 0;
    for (; seq < perPractice && written < count; written++) {
      seq++;
      const user = staff[seq % staff.length];
      const event = {
        id: randomUUID(),
        chainId: practice.id,
        practiceId: practice.id,
        at: start + seq * 1000,
        type: 'login.succeeded',
        outcome: 'success',
        actor: { id: user.id, username: user.username },
        target: { id: user.id, username: user.username },
        ip: '192.0.2.10',
        userAgent: 'Mozilla/5.0 (bench data-size seed)',
        details: { method: 'password' },
      };
      prevHash = lastHash;
      lastHash = hashOfText(hashedText(event), seq, prevHash);
      batch.push({
        id: event.id,
        chain_id: event.chainId,
        seq,
        practice_id: event.practiceId,
        at: event.at,
        type: event.type,
        outcome: event.outcome,
        actor_id: user.id,
        actor_username: user.username,
        target_id: user.id,
        target_username: user.username,
        ip: event.ip,
        user_agent: event.userAgent,
        details: JSON.stringify(event.details),
        prev_hash: prevHash,
        hash: lastHash,
      });
      if (batch.length === BATCH) {
        yield batch;
        batch = [];
      }
    }
    if (seq > 0)
      heads.push({ chain_id: practice.id, last_seq: seq, last_hash: lastHash, prev_hash: prevHash });
  }
  if (batch.length > 0) yield batch;
}

function* batches(rows) {
  let batch = [];
  for (const row of rows) {
    batch.push(row);
    if (batch.length === BATCH) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}

async function postgresWriter(url) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  return {
    async write(table, rowBatches) {
      for (const rows of rowBatches)
        await client.query(`insert into ${table} select * from json_populate_recordset(null::${table}, $1)`, [
          JSON.stringify(rows),
        ]);
      // Fresh statistics, as autovacuum would gather them soon after such a load.
      await client.query(`analyze ${table}`);
    },
    close: () => client.end(),
  };
}

function sqliteWriter(dataDir) {
  const db = new SQLite(path.join(dataDir, SQLITE_FILE));
  db.pragma('journal_mode = WAL');
  return {
    async write(table, rowBatches) {
      let insert;
      for (const rows of rowBatches) {
        insert ??= db.prepare(
          `insert into ${table} (${Object.keys(rows[0]).join(', ')}) values (${Object.keys(rows[0])
            .map((column) => `@${column}`)
            .join(', ')})`,
        );
        db.transaction(() => rows.forEach((row) => insert.run(row)))();
      }
      db.exec(`analyze ${table}`);
    },
    close: async () => db.close(),
  };
}
