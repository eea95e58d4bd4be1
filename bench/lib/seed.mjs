// A practice whose `count` users all know one password (one hash, reused: verifying costs the
// same), and an app of the practice, written through the product's own services from dist/,
// before a server starts on it.
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { ROOT } from './processes.mjs';

const { openServices } = await import(path.join(ROOT, 'dist/src/runtime.js'));
const { configFromEnv } = await import(path.join(ROOT, 'dist/src/config.js'));
const { createPractice } = await import(path.join(ROOT, 'dist/src/services/settings/practices.js'));
const { insertUser } = await import(path.join(ROOT, 'dist/src/store/user-store.js'));
const { findPracticeByCode } = await import(path.join(ROOT, 'dist/src/store/practice-store.js'));
const { createApp, deleteApp } = await import(path.join(ROOT, 'dist/src/services/apps/oidc-apps.js'));

const SEED_ORIGIN = { ip: '127.0.0.1', userAgent: 'bench seed' };

/** Runs fn with the product's services on env's database, then closes it. */
async function withServices(env, fn) {
  const deps = await openServices(configFromEnv({ ...process.env, ...env }));
  try {
    return await fn(deps);
  } finally {
    await deps.store.close();
  }
}

/** Returns the shared password hash. Users are `${prefix}0` … `${prefix}${count - 1}`. */
export function seedPractice(env, { code, prefix, count, password }) {
  return withServices(env, async (deps) => {
    const created = await createPractice(deps, {
      code,
      name: `${code} Practice`,
      admin: {
        username: 'admin',
        email: `admin@${code.toLowerCase()}.test`,
        firstName: 'A',
        lastName: 'Admin',
      },
      origin: SEED_ORIGIN,
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
  });
}

/**
 * A confidential first-party app of the practice (no consent screen), registered as the operator
 * (`gatehouse app create`) registers one. Returns its client id and secret, and `remove()`, which
 * deletes it again: a server without PUBLIC_URL refuses to start on a database with apps
 * (src/http/app.ts), and bench/data-size.mjs starts one on the database after this bench.
 */
export function seedApp(env, { practiceCode, name, redirectUri }) {
  return withServices(env, async (deps) => {
    const practice = await findPracticeByCode(deps.store.db, practiceCode);
    if (!practice) throw new Error(`no practice ${practiceCode}`);
    const context = { practiceId: practice.id, actor: null, origin: SEED_ORIGIN };
    const created = await createApp(deps, {
      ...context,
      name,
      redirectUris: [redirectUri],
      confidential: true,
      firstParty: true,
    });
    if (!created.ok) throw new Error(created.problem);
    return {
      clientId: created.app.clientId,
      clientSecret: created.clientSecret,
      remove: () => withServices(env, (again) => deleteApp(again, { ...context, app: created.app })),
    };
  });
}
