// A practice whose `count` users all know one password (one hash, reused: verifying costs the
// same), written through the product's own services from dist/, before a server starts on it.
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { ROOT } from './processes.mjs';

const { openServices } = await import(path.join(ROOT, 'dist/src/runtime.js'));
const { configFromEnv } = await import(path.join(ROOT, 'dist/src/config.js'));
const { createPractice } = await import(path.join(ROOT, 'dist/src/services/settings/practices.js'));
const { insertUser } = await import(path.join(ROOT, 'dist/src/store/user-store.js'));

/** Returns the shared password hash. Users are `${prefix}0` … `${prefix}${count - 1}`. */
export async function seedPractice(env, { code, prefix, count, password }) {
  const deps = await openServices(configFromEnv({ ...process.env, ...env }));
  try {
    const created = await createPractice(deps, {
      code,
      name: `${code} Practice`,
      admin: {
        username: 'admin',
        email: `admin@${code.toLowerCase()}.test`,
        firstName: 'A',
        lastName: 'Admin',
      },
      origin: { ip: '127.0.0.1', userAgent: 'bench seed' },
    });
    if (!created.ok) throw new Error(created.problem);
    const hash = await deps.hasher.hash(password);
    for (let i = 0; i < count; i++) {
      await insertUser(deps.store.db, {
        id: randomUUID(),
        practiceId: created.practice.id,
        username: `${prefix}${i}`,
        firstName: 'Bench',
        lastName: `User ${i}`,
        email: `${prefix}${i}@${code.toLowerCase()}.test`,
        roles: ['clinician'],
        passwordHash: hash,
        passwordMustChange: false,
        temporaryPasswordExpiresAt: null,
        now: Date.now(),
      });
    }
    return hash;
  } finally {
    await deps.store.close();
  }
}
