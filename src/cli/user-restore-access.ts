import { configFromEnv } from '../config.js';
import { openServices } from '../runtime.js';
import { restoreAccess } from '../services/staff/emergency-access.js';
import type { Command } from './command.js';
import { namedAccount } from './named-account.js';

/** Emergency access (services/staff/emergency-access.ts), for the operator: the procedure is in docs/admin-guide.md. */
export const userRestoreAccessCommand: Command = {
  path: ['user', 'restore-access'],
  summary: 'Emergency access: temporary password, two-factor removed, unlocked; other admins emailed',
  usage: `gatehouse user restore-access --practice CODE --username NAME --reason TEXT [--json]

For a user (typically the practice's only administrator) who has lost both password and second
factor, once their identity is verified (docs/admin-guide.md, "Emergency access"). In one step:
a temporary password, printed once; two-factor authentication and passkeys removed; the lock
lifted; every session ended. Recorded as user.access_restored with the reason; the user and
every other administrator of the practice are emailed at once.
  --reason  why, and how the person's identity was checked (10-500 characters; recorded)
  --json    print {"user":{"id","username"},"temporaryPassword","expiresAt","administratorsNotified"}`,
  options: {
    practice: { type: 'string' },
    username: { type: 'string' },
    reason: { type: 'string' },
    json: { type: 'boolean' },
  },
  async run(values, io) {
    const { practice: code, username, reason } = values;
    if (typeof code !== 'string' || typeof username !== 'string' || typeof reason !== 'string') {
      io.err('Missing --practice, --username or --reason. See gatehouse user restore-access --help.\n');
      return 2;
    }
    const deps = await openServices(configFromEnv(io.env));
    try {
      const account = await namedAccount(deps, { practice: code, username }, io);
      if (!account) return 1;
      const { practice, user } = account;
      const result = await restoreAccess(deps, {
        target: user,
        practice,
        reason,
        origin: { ip: '127.0.0.1', userAgent: 'gatehouse cli' },
      });
      if (!result.ok) {
        io.err(`${result.problem}\n`);
        return 2;
      }
      const expiresAt = new Date(result.expiresAt).toISOString();
      if (values.json) {
        io.out(
          `${JSON.stringify({
            user: { id: user.id, username: user.username },
            temporaryPassword: result.temporaryPassword,
            expiresAt,
            administratorsNotified: result.administratorsNotified,
          })}\n`,
        );
      } else {
        io.out(
          `Access restored for ${user.username} (${practice.code}).\n` +
            `Temporary password: ${result.temporaryPassword}\n` +
            `It is shown only now, is case sensitive, includes dashes, and expires ${expiresAt}.\n` +
            `Two-factor authentication is removed, any lock is lifted and every session has ended.\n` +
            `Emailed: the user and ${result.administratorsNotified} other administrator(s) of the practice.\n`,
        );
      }
      return 0;
    } finally {
      await deps.store.close();
    }
  },
};
