import { randomUUID } from 'node:crypto';
import type { Role } from '../../src/domain/roles.js';
import { serviceDeps } from '../../src/runtime.js';
import { createPractice } from '../../src/services/settings/practices.js';
import type { Store } from '../../src/store/database.js';
import { migrateToLatest } from '../../src/store/migrate.js';
import { insertUser } from '../../src/store/user-store.js';

export interface SeededAccount {
  readonly id: string;
  readonly username: string;
}

/**
 * A practice with accounts that all know one password (hashed once: verifying costs the same),
 * written straight into a database before server processes start on it.
 */
export async function seedPracticeAccounts(
  store: Store,
  options: {
    readonly codePrefix: string;
    readonly password: string;
    readonly accounts: ReadonlyArray<{ readonly username: string; readonly roles: readonly Role[] }>;
  },
): Promise<{ code: string; practiceId: string; accounts: SeededAccount[] }> {
  await migrateToLatest(store);
  const deps = serviceDeps({ store });
  const code = `${options.codePrefix}${Date.now().toString(36)}`;
  const created = await createPractice(deps, {
    code,
    name: `${options.codePrefix} Practice`,
    admin: { username: 'owner', email: `owner@${code.toLowerCase()}.test`, firstName: 'O', lastName: 'W' },
    origin: { ip: '127.0.0.1', userAgent: 'seed' },
  });
  if (!created.ok) throw new Error(created.problem);
  const hash = await deps.hasher.hash(options.password);
  const accounts: SeededAccount[] = [];
  for (const { username, roles } of options.accounts) {
    const id = randomUUID();
    await insertUser(store.db, {
      id,
      practiceId: created.practice.id,
      username,
      firstName: 'Seeded',
      lastName: username,
      email: `${username}@${code.toLowerCase()}.test`,
      roles,
      passwordHash: hash,
      passwordMustChange: false,
      temporaryPasswordExpiresAt: null,
      now: Date.now(),
    });
    accounts.push({ id, username });
  }
  return { code, practiceId: created.practice.id, accounts };
}
