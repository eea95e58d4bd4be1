// Preloaded into a server by bench/data-size.mjs (`node --import`): appends every SQL statement
// the server runs, with its values, to the file BENCH_SQL_TRACE as JSON lines, so that the
// statements of the sign-in and GET /api/me paths can be EXPLAINed as the server sent them.
import { appendFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(`${process.cwd()}/`);
const file = process.env.BENCH_SQL_TRACE;
const record = (sql, values) => appendFileSync(file, `${JSON.stringify({ sql, values })}\n`);

const pg = require('pg');
const query = pg.Client.prototype.query;
pg.Client.prototype.query = function tracedQuery(config, values, callback) {
  if (typeof config === 'string') record(config, Array.isArray(values) ? values : []);
  else if (typeof config?.text === 'string') record(config.text, config.values ?? []);
  return query.call(this, config, values, callback);
};

const SQLite = require('better-sqlite3');
const prepare = SQLite.prototype.prepare;
SQLite.prototype.prepare = function tracedPrepare(sql) {
  const statement = prepare.call(this, sql);
  for (const method of ['run', 'get', 'all', 'iterate']) {
    const run = statement[method];
    statement[method] = (...values) => {
      record(sql, values);
      return run.apply(statement, values);
    };
  }
  return statement;
};
