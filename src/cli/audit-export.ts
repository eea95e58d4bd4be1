import { createWriteStream } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { configFromEnv } from '../config.js';
import { openServices } from '../runtime.js';
import { recordActivityViewed, type ActivityScope } from '../services/activity/activity.js';
import { activityCsv } from '../services/activity/activity-export.js';
import { parseActivityQuery } from '../services/activity/activity-query.js';
import { findPracticeByCode } from '../store/practice-store.js';
import { findUserByName } from '../store/user-store.js';
import type { Command } from './command.js';

const str = (value: string | boolean | undefined) => (typeof value === 'string' ? value : undefined);

export const auditExportCommand: Command = {
  path: ['audit', 'export'],
  summary: 'Write a practice’s activity log as CSV to a file or stdout',
  usage: `gatehouse audit export --practice CODE [--output FILE] [--user USERNAME]
                       [--type TYPE|GROUP] [--outcome success|failure] [--from DATE] [--to DATE]

Writes the practice's activity log, newest first, as CSV (the same columns and filters as
GET /api/activity/export.csv). Dates are days (2026-11-28, in the practice's time zone) or
ISO-8601 times. Without --output the CSV goes to stdout. The export itself is recorded in
the log as activity.viewed.`,
  options: {
    practice: { type: 'string' },
    output: { type: 'string', short: 'o' },
    user: { type: 'string' },
    type: { type: 'string' },
    outcome: { type: 'string' },
    from: { type: 'string' },
    to: { type: 'string' },
  },
  async run(values, io) {
    const code = str(values.practice);
    if (!code) {
      io.err('--practice CODE is required.\n');
      return 2;
    }
    const deps = await openServices(configFromEnv(io.env));
    try {
      const { db } = deps.store;
      const practice = await findPracticeByCode(db, code);
      if (!practice) {
        io.err(`No practice has the code "${code}".\n`);
        return 2;
      }
      const parsed = parseActivityQuery(
        { type: str(values.type), outcome: str(values.outcome), from: str(values.from), to: str(values.to) },
        practice.settings.timeZone,
      );
      if (!parsed.ok) {
        io.err(`${parsed.message.replace(/field "(\w+)"/, 'option --$1')}\n`);
        return 2;
      }
      let scope: ActivityScope = { kind: 'practice' };
      const username = str(values.user);
      if (username !== undefined) {
        const user = (await findUserByName(db, practice.code, username))?.user;
        if (!user) {
          io.err(`Practice ${practice.code} has no user "${username}".\n`);
          return 2;
        }
        scope = { kind: 'practice', user };
      }
      const origin = { ip: '127.0.0.1', userAgent: 'gatehouse cli' };
      await recordActivityViewed(deps, { reader: { user: null, practice }, scope, origin, format: 'csv' });
      const lines = activityCsv(deps, {
        scope: {
          chainId: practice.id,
          timeZone: practice.settings.timeZone,
          ...(scope.user ? { userId: scope.user.id } : {}),
        },
        filters: parsed.filters,
      });
      const output = str(values.output);
      if (output === undefined) {
        for await (const chunk of lines) io.out(chunk.toString());
      } else {
        await pipeline(Readable.from(lines), createWriteStream(output, { mode: 0o600 }));
        io.err(`Wrote the activity log of practice ${practice.code} to ${output}.\n`);
      }
      return 0;
    } finally {
      await deps.store.close();
    }
  },
};
