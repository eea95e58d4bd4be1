import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

/**
 * Test projects. The API suite and the store's contract suite (test/store) run twice, on SQLite
 * and on PostgreSQL (a fresh database per run, made by test/support/postgres-setup.ts); e2e
 * drives Debian's Chromium; deploy runs docs/deploy.md with Debian's nginx.
 */
export default defineConfig({
  test: {
    // One test file per core. Vitest's default (cores - 1) runs one file at a time on a 2-core
    // machine, while most files spend their time waiting on a server, argon2's threads,
    // PostgreSQL or Chromium; two at a time keeps CI well inside its 20 minutes there.
    maxWorkers: Math.max(2, availableParallelism()),
    testTimeout: 30_000,
    hookTimeout: 60_000,
    projects: [
      // Unit tests sit beside their source; test/docs checks documents against the code and the
      // guides' images against the screenshot list (files only, no server).
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['src/**/*.test.ts', 'test/docs/**/*.test.ts', 'test/support/**/*.test.ts'],
        },
      },
      {
        extends: true,
        test: {
          name: 'api-sqlite',
          include: ['test/api/**/*.test.ts', 'test/store/**/*.test.ts'],
          env: { GATEHOUSE_TEST_DB: 'sqlite' },
        },
      },
      {
        extends: true,
        test: {
          name: 'api-postgres',
          include: ['test/api/**/*.test.ts', 'test/store/**/*.test.ts'],
          env: { GATEHOUSE_TEST_DB: 'postgres' },
          globalSetup: ['test/support/postgres-setup.ts'],
        },
      },
      {
        extends: true,
        test: {
          name: 'resilience',
          include: ['test/resilience/**/*.test.ts'],
          fileParallelism: false,
          testTimeout: 120_000,
          globalSetup: ['test/support/postgres-setup.ts'],
        },
      },
      {
        // Operator commands (backup, restore) run as processes against server processes; needs dist/.
        extends: true,
        test: {
          name: 'ops',
          include: ['test/ops/**/*.test.ts'],
          fileParallelism: false,
          testTimeout: 120_000,
          globalSetup: ['test/support/postgres-setup.ts'],
        },
      },
      {
        extends: true,
        test: {
          // docs/deploy.md and the README done as written: the install from nothing and an upgrade
          // (two `npm ci` builds), servers, PostgreSQL, nginx with TLS.
          name: 'deploy',
          include: ['test/deploy/**/*.test.ts'],
          fileParallelism: false,
          testTimeout: 120_000,
          hookTimeout: 180_000,
          globalSetup: ['test/support/postgres-setup.ts'],
        },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          env: { GATEHOUSE_TEST_DB: 'sqlite' },
          fileParallelism: false,
          testTimeout: 60_000,
        },
      },
      {
        // Apps signing in through Gatehouse end to end on PostgreSQL as well: the provider keeps
        // its grants, sessions and codes in our store, which differs by database.
        extends: true,
        test: {
          name: 'e2e-postgres',
          include: ['test/e2e/connected-apps.test.ts'],
          env: { GATEHOUSE_TEST_DB: 'postgres' },
          globalSetup: ['test/support/postgres-setup.ts'],
          fileParallelism: false,
          testTimeout: 60_000,
        },
      },
    ],
  },
});
