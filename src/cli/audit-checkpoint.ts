import { configFromEnv } from '../config.js';
import { checkpointKeysOf } from '../domain/audit-checkpoint.js';
import { openServices } from '../runtime.js';
import { resolveSecretKeys } from '../secret-key.js';
import { writeAuditCheckpoints } from '../services/activity/audit-checkpoints.js';
import { listCheckpoints } from '../store/audit-checkpoint-store.js';
import type { Command } from './command.js';

export const auditCheckpointCommand: Command = {
  path: ['audit', 'checkpoint'],
  summary: 'Sign each activity log’s current end and print the checkpoints, to keep elsewhere',
  usage: `gatehouse audit checkpoint

Signs a checkpoint of every activity log whose end moved since its last one (the server also
does this every few minutes), then prints the newest checkpoint of every log, one JSON line
each. Keep the output outside the database (append it to a file elsewhere, e.g. daily from
cron): "gatehouse audit verify --checkpoints FILE" then detects a log cut short below any of
them, even by someone who could also rewrite the checkpoints in the database. The lines hold
no secret; they are signed with a key derived from GATEHOUSE_SECRET_KEY.`,
  options: {},
  async run(_values, io) {
    const config = configFromEnv(io.env);
    const keys = checkpointKeysOf(resolveSecretKeys(config));
    const deps = await openServices(config);
    try {
      // The printed lines are the record; a second copy of each on stderr would add nothing.
      const quiet = { info: () => undefined, warn: () => undefined };
      await writeAuditCheckpoints(deps, { keys, logger: quiet });
      for (const checkpoint of await listCheckpoints(deps.store.db))
        io.out(`${JSON.stringify(checkpoint)}\n`);
      return 0;
    } finally {
      await deps.store.close();
    }
  },
};
