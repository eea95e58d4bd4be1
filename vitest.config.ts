import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

/**
 * Test projects. The API suite and the store's contract suite (test/store) run twice, on SQLite
 * and on PostgreSQL (a fresh database per run, made by test/support/postgres-setup.ts); e2e
 * drives Debian's Chromium; deploy runs docs/deploy.md with Debian's nginx.
 */
/** docs/deploy.md's install and upgrade, run apart (see its project below). */
const INSTALL_UPGRADE = 'test/deploy/install-upgrade.test.ts';

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
      { extends: true, test: { name: 'unit', include: ['src/**/*.test.ts', 'test/docs/**/*.test.ts'] } },
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
          // docs/deploy.md and the README done as written: servers, PostgreSQL, nginx with TLS.
          name: 'deploy',
          include: ['test/deploy/**/*.test.ts'],
          exclude: [INSTALL_UPGRADE],
          fileParallelism: false,
          testTimeout: 120_000,
          hookTimeout: 180_000,
          globalSetup: ['test/support/postgres-setup.ts'],
        },
      },
      {
        // The guide's install and upgrade blocks: two `npm ci` builds of the whole app (native
        // SQLite module, server, web app), about 4 minutes: `npm run test:deploy-install`, not
        // part of `npm test`, which CI must finish in 30 minutes with the Node 24 half.
        extends: true,
        test: {
          name: 'deploy-install',
          include: [INSTALL_UPGRADE],
          testTimeout: 600_000,
          hookTimeout: 600_000,
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
    ],
  },
});
