import { DEFAULT_MAIL_FROM } from '../../src/config.js';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import pg from 'pg';
import { inject } from 'vitest';
import type { Role } from '../../src/domain/roles.js';
import type { TrustedProxies } from '../../src/domain/trusted-proxies.js';
import { buildApp } from '../../src/http/app.js';
import { loggerOptions, serviceDeps } from '../../src/runtime.js';
import type { Clock, ServiceDeps } from '../../src/services/context.js';
import { deliverDueAppLogouts } from '../../src/services/apps/app-logout-delivery.js';
import type { PasswordHasher } from '../../src/services/passwords/password-hasher.js';
import type { SecretKeys } from '../../src/domain/secret-box.js';
import { createMailTransport, deliverDueMail } from '../../src/services/mail/mail-delivery.js';
import { createPractice } from '../../src/services/settings/practices.js';
import { openStore, type Store } from '../../src/store/database.js';
import { migrateToLatest } from '../../src/store/migrate.js';
import { insertUser } from '../../src/store/user-store.js';

/** A clock tests move by hand, so timeouts are tested without sleeping. */
export interface TestClock extends Clock {
  advance(ms: number): void;
}

export function testClock(start = Date.now()): TestClock {
  let now = start;
  return { now: () => now, advance: (ms) => void (now += ms) };
}

/** One instance key per test run, shared by every server (instances of one database must share it). */
export const TEST_SECRET_KEY = randomBytes(32);

export type TestDatabase = 'sqlite' | 'postgres';

export function testDatabase(): TestDatabase {
  return process.env.GATEHOUSE_TEST_DB === 'postgres' ? 'postgres' : 'sqlite';
}

let fileDatabase: Promise<string> | undefined;

/**
 * This test file's own PostgreSQL database, made inside the run's server on first use (the
 * run's set-up drops them all afterwards). Files never share counters, outboxes or rows.
 */
export function testDatabaseUrl(): Promise<string> {
  fileDatabase ??= (async () => {
    const base = new URL(inject('databaseUrl'));
    const name = `${base.pathname.slice(1)}_${randomBytes(6).toString('hex')}`;
    const admin = new pg.Client({ connectionString: base.toString() });
    await admin.connect();
    await admin.query(`create database ${name}`);
    await admin.end();
    base.pathname = `/${name}`;
    return base.toString();
  })();
  return fileDatabase;
}

/**
 * Handles on one database for a test file: a new SQLite file, or the run's PostgreSQL
 * database. Several handles act as several server instances sharing that database.
 */
export async function openTestStores(count: number): Promise<Store[]> {
  const options =
    testDatabase() === 'postgres'
      ? { databaseUrl: await testDatabaseUrl(), dataDir: tmpdir() }
      : { dataDir: mkdtempSync(path.join(tmpdir(), 'gatehouse-test-')) };
  const stores = Array.from({ length: count }, () => openStore(options));
  await migrateToLatest(stores[0] as Store);
  return stores;
}

export async function openTestStore(): Promise<Store> {
  const [store] = await openTestStores(1);
  return store as Store;
}

export interface TestServer {
  readonly url: string;
  /** Where this server's .eml files go (DATA_DIR/outbox). */
  readonly outboxDir: string;
  /**
   * Finishes the work requests handed off (app.backgroundWork), then delivers every queued
   * email now (the production poller does this every second).
   */
  deliverMail(): Promise<number>;
  /** One pass of the back-channel logout delivery (needs publicUrl); how many apps were told. */
  deliverAppLogouts(): Promise<number>;
  readonly app: FastifyInstance;
  readonly deps: ServiceDeps;
  readonly clock: TestClock;
  close(): Promise<void>;
}

export interface TestServerOptions {
  /** Share a store (and so a database) with another instance. */
  readonly store?: Store;
  readonly clock?: TestClock;
  /** TRUST_PROXY as parsed: false (default), a hop count, or proxy addresses/CIDRs. */
  readonly trustProxy?: TrustedProxies;
  readonly publicUrl?: string;
  readonly logger?: boolean;
  /** Collects every log line (at level trace, with the production redaction) into this array. */
  readonly logLines?: string[];
  /** false turns rate limits off (for tests that send many requests to measure something else). */
  readonly rateLimiting?: boolean;
  /** The instance key; TEST_SECRET_KEY unless a test rotates keys. */
  readonly secretKey?: Buffer;
  /** Keys accepted for decryption only, as with GATEHOUSE_PREVIOUS_SECRET_KEY. */
  readonly previousSecretKeys?: readonly Buffer[];
  /** METRICS_TOKEN; absent, /metrics is off. */
  readonly metricsToken?: string;
  /** The password hasher; absent, the production one (tests wrap it to count verifications). */
  readonly hasher?: PasswordHasher;
  /** ALLOWED_RETURN_ORIGINS as parsed. */
  readonly allowedReturnOrigins?: readonly string[];
  /** SESSION_COOKIE_DOMAIN. */
  readonly sessionCookieDomain?: string;
  /** Listen on this port (a PUBLIC_URL naming the server itself needs it before start); absent, any free one. */
  readonly port?: number;
}

/** A real server on a real port over a real database, as `npm start` builds it. */
export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  const store = options.store ?? (await openTestStore());
  const clock = options.clock ?? testClock();
  const secretKeys: SecretKeys = [
    options.secretKey ?? TEST_SECRET_KEY,
    ...(options.previousSecretKeys ?? []),
  ];
  const deps = serviceDeps({ store, clock, hasher: options.hasher, secretKeys });
  const app = await buildApp({
    deps,
    publicUrl: options.publicUrl ? new URL(options.publicUrl) : undefined,
    trustProxy: options.trustProxy ?? false,
    logger: options.logLines ? capturingLogger(options.logLines) : (options.logger ?? false),
    webRoot: path.resolve('dist/web'),
    rateLimiting: options.rateLimiting ?? true,
    metricsToken: options.metricsToken,
    allowedReturnOrigins: options.allowedReturnOrigins ?? [],
    sessionCookieDomain: options.sessionCookieDomain,
  });
  const address = await app.listen({ port: options.port ?? 0, host: '127.0.0.1' });
  const dataDir = mkdtempSync(path.join(tmpdir(), 'gatehouse-mail-'));
  const transport = createMailTransport({ smtpUrl: undefined, dataDir, from: DEFAULT_MAIL_FROM });
  const quiet = { info: () => undefined, warn: () => undefined };
  return {
    url: address,
    outboxDir: path.join(dataDir, 'outbox'),
    deliverMail: async () => {
      await app.backgroundWork.drain();
      return deliverDueMail({ store, clock }, { transport, logger: quiet });
    },
    deliverAppLogouts: () => {
      if (!app.appLogoutSender) throw new Error('back-channel logouts need a publicUrl');
      return deliverDueAppLogouts({ store, clock }, { send: app.appLogoutSender, logger: quiet });
    },
    app,
    deps,
    clock,
    close: async () => {
      await app.close();
      if (!options.store) await store.close();
    },
  };
}

/** The production logger at its most verbose, writing into `lines` instead of stdout. */
function capturingLogger(lines: string[]) {
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString('utf8'));
      done();
    },
  });
  return { ...(loggerOptions('trace') as object), stream };
}

let practiceCounter = 0;

export interface TestPractice {
  readonly code: string;
  readonly practiceId: string;
  readonly adminId: string;
  readonly adminUsername: string;
  readonly temporaryPassword: string;
}

/** A practice with a unique code and its administrator (who holds a temporary password). */
export async function seedPractice(deps: ServiceDeps, prefix = 'T'): Promise<TestPractice> {
  const code = `${prefix}${process.pid}x${Date.now().toString(36)}x${practiceCounter++}`.slice(0, 32);
  const result = await createPractice(deps, {
    code,
    name: `Test Practice ${code}`,
    admin: {
      username: 'admin',
      email: `admin@${code.toLowerCase()}.test`,
      firstName: 'Ada',
      lastName: 'Admin',
    },
    origin: { ip: '127.0.0.1', userAgent: 'test seed' },
  });
  if (!result.ok) throw new Error(result.problem);
  return {
    code,
    practiceId: result.practice.id,
    adminId: result.adminId,
    adminUsername: 'admin',
    temporaryPassword: result.temporaryPassword,
  };
}

export interface SeededUser {
  readonly id: string;
  readonly username: string;
  readonly password: string;
}

/**
 * A user who has already chosen their own password, so signing in lands on `signed_in`.
 * (Users made through the product hold a temporary password until their first sign-in.)
 */
export async function seedUser(
  deps: ServiceDeps,
  practice: TestPractice,
  user: {
    username: string;
    password?: string;
    roles?: readonly Role[];
    passwordHash?: string;
    firstName?: string;
    lastName?: string;
    email?: string;
  },
): Promise<SeededUser> {
  const password = user.password ?? `correct horse ${user.username} battery staple`;
  const id = randomUUID();
  await insertUser(deps.store.db, {
    id,
    practiceId: practice.practiceId,
    username: user.username,
    firstName: user.firstName ?? 'Sam',
    lastName: user.lastName ?? user.username,
    email: user.email ?? `${user.username}@${practice.code.toLowerCase()}.test`,
    roles: user.roles ?? ['clinician'],
    passwordHash: user.passwordHash ?? (await deps.hasher.hash(password)),
    passwordMustChange: false,
    temporaryPasswordExpiresAt: null,
    now: deps.clock.now(),
  });
  return { id, username: user.username, password };
}
