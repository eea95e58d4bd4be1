import { createReadStream } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { configFromEnv } from '../config.js';
import { checkpointKeysOf, checkpointOfLine, type AuditCheckpoint } from '../domain/audit-checkpoint.js';
import { NO_PRACTICE_CHAIN } from '../domain/audit-event.js';
import { openServices } from '../runtime.js';
import { existingSecretKeys, SECRET_KEY_FILE } from '../secret-key.js';
import { verifyChain, type ChainReport } from '../services/activity/audit-verification.js';
import { listChainIdsToVerify } from '../store/audit-checkpoint-store.js';
import { findPracticeByCode, findPracticeById } from '../store/practice-store.js';
import type { Command } from './command.js';

/** Exit status when a chain is broken (1 stays "the command itself failed"). */
const EXIT_BROKEN = 3;

export const auditVerifyCommand: Command = {
  path: ['audit', 'verify'],
  summary: 'Check the activity log’s hash chains and checkpoints and name the first broken event',
  usage: `gatehouse audit verify [--practice CODE] [--checkpoints FILE] [--json]

Walks each practice's activity log from its first event, recomputing every event's hash
and checking that each links to the one before it and that none is missing, then that the
log still holds the event of its newest signed checkpoint (so a log cut short or rewritten
below it is found) and that every checkpoint's signature is valid. A practice without a log
is broken. Prints the first problem of each practice. Exit status 0 when every log is
intact, 3 when one is not. Without --practice every practice is checked (and the log of
sign-ins that named no known practice). Reads only: no command changes or deletes events.

--checkpoints FILE also checks the checkpoints kept outside the database: lines printed by
"gatehouse audit checkpoint", or the server's log itself (its "audit checkpoint" lines; other
lines are skipped). Checkpoints are signed with a key derived from GATEHOUSE_SECRET_KEY, so
the command needs the server's key (and GATEHOUSE_PREVIOUS_SECRET_KEY for older ones).`,
  options: { practice: { type: 'string' }, checkpoints: { type: 'string' }, json: { type: 'boolean' } },
  async run(values, io) {
    const config = configFromEnv(io.env);
    // Reads only: a missing key file is reported, never generated (that would be another key).
    const secretKeys = existingSecretKeys(config);
    if (!secretKeys) {
      io.err(
        `There is no ${path.join(config.dataDir, SECRET_KEY_FILE)}: checkpoints are checked with the key that ` +
          'signed them. Restore the key file with the database, or set GATEHOUSE_SECRET_KEY.\n',
      );
      return 2;
    }
    const keys = checkpointKeysOf(secretKeys);
    let external: AuditCheckpoint[] = [];
    if (typeof values.checkpoints === 'string') {
      const read = await readCheckpointFile(values.checkpoints);
      if ('problem' in read) {
        io.err(`${read.problem}\n`);
        return 2;
      }
      external = read.checkpoints;
      const logs = external.length === 1 ? '1 log' : `${external.length} logs`;
      if (!values.json) io.out(`Read the newest checkpoint of ${logs} from ${values.checkpoints}.\n`);
    }
    const deps = await openServices(config);
    try {
      const { db } = deps.store;
      let chains: string[];
      if (typeof values.practice === 'string') {
        const practice = await findPracticeByCode(db, values.practice);
        if (!practice) {
          io.err(`No practice has the code "${values.practice}".\n`);
          return 2;
        }
        chains = [practice.id];
      } else {
        const named = [...(await listChainIdsToVerify(db)), ...external.map((c) => c.chainId)];
        chains = [...new Set(named)].sort();
      }
      const reports: (ChainReport & { practice: string })[] = [];
      for (const chainId of chains) {
        const practice = chainId === NO_PRACTICE_CHAIN ? undefined : await findPracticeById(db, chainId);
        const report = await verifyChain(db, chainId, { keys, external });
        reports.push({ ...report, practice: practice?.code ?? chainId });
      }
      if (values.json)
        io.out(`${JSON.stringify({ valid: reports.every((r) => !r.broken), chains: reports })}\n`);
      else for (const report of reports) io.out(`${describe(report)}\n`);
      return reports.some((report) => report.broken) ? EXIT_BROKEN : 0;
    } finally {
      await deps.store.close();
    }
  },
};

/**
 * The newest checkpoint of each chain in a file, read line by line (a server log may be large).
 * The newest is enough: an intact chain that holds it holds every earlier event as it was.
 */
async function readCheckpointFile(
  file: string,
): Promise<{ checkpoints: AuditCheckpoint[] } | { problem: string }> {
  const newest = new Map<string, AuditCheckpoint>();
  let lineNumber = 0;
  try {
    for await (const line of createInterface({ input: createReadStream(file), crlfDelay: Infinity })) {
      lineNumber++;
      const checkpoint = checkpointOfLine(line);
      if (checkpoint === 'damaged')
        return { problem: `Line ${lineNumber} of ${file} is a damaged checkpoint: it does not read as one.` };
      const known = checkpoint && newest.get(checkpoint.chainId);
      // At the same event a later line wins: the file is appended to, and after a key rotation the
      // log's checkpoint is signed again under the new key though the log did not move.
      if (checkpoint && (!known || checkpoint.seq >= known.seq)) newest.set(checkpoint.chainId, checkpoint);
    }
  } catch (error) {
    return { problem: `Cannot read ${file}: ${(error as Error).message}` };
  }
  if (newest.size === 0) return { problem: `${file} holds no checkpoint.` };
  return { checkpoints: [...newest.values()] };
}

function describe(report: ChainReport & { practice: string }): string {
  const name =
    report.chainId === NO_PRACTICE_CHAIN ? 'Unknown-practice sign-ins' : `Practice ${report.practice}`;
  if (report.broken) return `${name}: BROKEN after ${report.checked} good events. ${report.broken.message}`;
  const checkpoint = report.checkpoint
    ? ` Newest checkpoint: event ${report.checkpoint.seq}, signed ${new Date(report.checkpoint.at).toISOString()}.`
    : ' No checkpoint yet.';
  return `${name}: ${report.checked} events, intact.${checkpoint}`;
}
