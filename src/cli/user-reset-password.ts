import { configFromEnv } from '../config.js';
import { openServices } from '../runtime.js';
import { adminResetPassword } from '../services/passwords/admin-reset-password.js';
import type { Command } from './command.js';
import { namedAccount } from './named-account.js';

/** The same Reset Password as Staff > Name, from a terminal (actor = cli): for a locked-out administrator. */
export const userResetPasswordCommand: Command = {
  path: ['user', 'reset-password'],
  summary: 'Give a user a temporary password (and end all their sessions)',
  usage: `gatehouse user reset-password --practice CODE --username NAME [--json]

Prints the temporary password once; the user chooses their own at next sign-in.
  --json   print {"user":{"id","username"},"temporaryPassword","expiresAt"}`,
  options: {
    practice: { type: 'string' },
    username: { type: 'string' },
    json: { type: 'boolean' },
  },
  async run(values, io) {
    if (typeof values.practice !== 'string' || typeof values.username !== 'string') {
      io.err('Missing --practice or --username. See gatehouse user reset-password --help.\n');
      return 2;
    }
    const deps = await openServices(configFromEnv(io.env));
    try {
      const account = await namedAccount(deps, { practice: values.practice, username: values.username }, io);
      if (!account) return 1;
      const { practice, user } = account;
      const result = await adminResetPassword(deps, {
        actor: null,
        target: user,
        practice,
        origin: { ip: '127.0.0.1', userAgent: 'gatehouse cli' },
      });
      const expiresAt = new Date(result.expiresAt).toISOString();
      if (values.json) {
        io.out(
          `${JSON.stringify({
            user: { id: user.id, username: user.username },
            temporaryPassword: result.temporaryPassword,
            expiresAt,
          })}\n`,
        );
      } else {
        io.out(
          `Temporary password for ${user.username} (${practice.code}): ${result.temporaryPassword}\n` +
            `It is case sensitive, includes dashes, and expires ${expiresAt}. All of their sessions have ended.\n`,
        );
      }
      return 0;
    } finally {
      await deps.store.close();
    }
  },
};
