import { configFromEnv } from '../config.js';
import { openServices } from '../runtime.js';
import type { Command } from './command.js';

export const migrateCommand: Command = {
  path: ['migrate'],
  summary: 'Bring the database schema up to date',
  usage: `gatehouse migrate

Creates or updates the tables in the database named by DATABASE_URL (PostgreSQL), or in
the SQLite file under DATA_DIR (default ./data). The server also does this at start-up.`,
  options: {},
  async run(_values, io) {
    const deps = await openServices(configFromEnv(io.env));
    await deps.store.close();
    io.out(`The ${deps.store.dialect} database is up to date.\n`);
    return 0;
  },
};
