import { configFromEnv } from '../config.js';
import { NO_PRACTICE_CHAIN } from '../domain/audit-event.js';
import { openServices } from '../runtime.js';
import { verifyChain, type ChainReport } from '../services/audit-verification.js';
import { listChainIds } from '../store/activity-store.js';
import { findPracticeByCode, findPracticeById } from '../store/practice-store.js';
import type { Command } from './command.js';

/** Exit status when a chain is broken (1 stays "the command itself failed"). */
const EXIT_BROKEN = 3;

export const auditVerifyCommand: Command = {
  path: ['audit', 'verify'],
  summary: 'Check the activity log’s hash chains and name the first broken event',
  usage: `gatehouse audit verify [--practice CODE] [--json]

Walks each practice's activity log from its first event, recomputing every event's hash
and checking that each links to the one before it and that none is missing. Prints the
first broken event of each practice. Exit status 0 when every log is intact, 3 when one
is not. Without --practice every practice is checked (and the log of sign-ins that named
no known practice). Reads only: no command changes or deletes events.`,
  options: { practice: { type: 'string' }, json: { type: 'boolean' } },
  async run(values, io) {
    const deps = await openServices(configFromEnv(io.env));
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
        chains = await listChainIds(db);
      }
      const reports: (ChainReport & { practice: string })[] = [];
      for (const chainId of chains) {
        const practice = chainId === NO_PRACTICE_CHAIN ? undefined : await findPracticeById(db, chainId);
        reports.push({ ...(await verifyChain(db, chainId)), practice: practice?.code ?? chainId });
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

function describe(report: ChainReport & { practice: string }): string {
  const name =
    report.chainId === NO_PRACTICE_CHAIN ? 'Unknown-practice sign-ins' : `Practice ${report.practice}`;
  if (!report.broken) return `${name}: ${report.checked} events, intact.`;
  return `${name}: BROKEN after ${report.checked} good events. ${report.broken.message}`;
}
