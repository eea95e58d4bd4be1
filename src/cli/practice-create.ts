import { configFromEnv } from '../config.js';
import { openServices } from '../runtime.js';
import { createPractice } from '../services/settings/practices.js';
import type { Command } from './command.js';

const REQUIRED = [
  'code',
  'name',
  'admin-username',
  'admin-email',
  'admin-first-name',
  'admin-last-name',
] as const;

export const practiceCreateCommand: Command = {
  path: ['practice', 'create'],
  summary: 'Create a practice and its first Practice Administrator',
  usage: `gatehouse practice create --code CODE --name NAME --admin-username USER
    --admin-email EMAIL --admin-first-name FIRST --admin-last-name LAST [--json]

Prints the administrator's temporary password once; they choose their own at first sign-in.
  --json   print {"practice":{"id","code","name"},"admin":{"id","username"},"temporaryPassword","expiresAt"}`,
  options: {
    code: { type: 'string' },
    name: { type: 'string' },
    'admin-username': { type: 'string' },
    'admin-email': { type: 'string' },
    'admin-first-name': { type: 'string' },
    'admin-last-name': { type: 'string' },
    json: { type: 'boolean' },
  },
  async run(values, io) {
    const missing = REQUIRED.filter((name) => typeof values[name] !== 'string');
    if (missing.length > 0) {
      io.err(
        `Missing ${missing.map((name) => `--${name}`).join(', ')}. See gatehouse practice create --help.\n`,
      );
      return 2;
    }
    const text = (name: (typeof REQUIRED)[number]) => String(values[name]);
    const deps = await openServices(configFromEnv(io.env));
    try {
      const result = await createPractice(deps, {
        code: text('code'),
        name: text('name'),
        admin: {
          username: text('admin-username'),
          email: text('admin-email'),
          firstName: text('admin-first-name'),
          lastName: text('admin-last-name'),
        },
        origin: { ip: '127.0.0.1', userAgent: 'gatehouse cli' },
      });
      if (!result.ok) {
        io.err(`${result.problem}\n`);
        return 1;
      }
      const { practice, adminId, temporaryPassword, expiresAt } = result;
      if (values.json) {
        io.out(
          `${JSON.stringify({
            practice: { id: practice.id, code: practice.code, name: practice.name },
            admin: { id: adminId, username: text('admin-username') },
            temporaryPassword,
            expiresAt: new Date(expiresAt).toISOString(),
          })}\n`,
        );
      } else {
        io.out(
          `Created practice ${practice.code} (${practice.name}).\n` +
            `Administrator ${text('admin-username')}, temporary password: ${temporaryPassword}\n` +
            `It is case sensitive, includes dashes, and expires ${new Date(expiresAt).toISOString()}.\n`,
        );
      }
      return 0;
    } finally {
      await deps.store.close();
    }
  },
};
