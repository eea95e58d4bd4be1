import type { Compilable, CompiledQuery, QueryResult } from 'kysely';
import type { Dialect, Executor } from './handle.js';
import { dialectOf } from './dialect.js';

/** Where a statement's value goes, while the statement is built once. */
class StandIn<Name extends string> {
  constructor(readonly name: Name) {}
}

/**
 * A statement Kysely builds and compiles once per dialect, then runs with each call's values,
 * bound by position, as the session lookup runs its text (session-store.ts).
 *
 * Kysely builds and compiles a query anew on every call, the largest JavaScript cost of a
 * sign-in, while a hot statement's text never changes, only its values. `build` is called once
 * per dialect with a stand-in for each value named in `names`; a parameter of the compiled
 * query that is a stand-in takes the call's value of that name, any other parameter is the
 * statement's own constant. A value Kysely wrote into the text instead of passing it as a
 * parameter would be lost, so a stand-in missing from the parameters throws at the first call,
 * as does a value that `names` leaves out.
 */
export function compiledOnce<Values extends object, Row>(
  names: readonly (keyof Values & string)[],
  build: (db: Executor, values: Values) => Compilable<Row>,
): (db: Executor, values: Values) => Promise<QueryResult<Row>> {
  const compiled = new Map<Dialect, Bindable<Values, Row>>();
  return async (db, values) => {
    const dialect = dialectOf(db);
    let statement = compiled.get(dialect);
    if (!statement) {
      // A value with no stand-in would be missing from the statement (an insert would drop its column).
      const unnamed = Object.keys(values).filter((key) => !(names as readonly string[]).includes(key));
      if (unnamed.length > 0) throw new Error(`compiledOnce: no stand-in for ${unnamed.join(', ')}`);
      statement = compile(db, names, build);
      compiled.set(dialect, statement);
    }
    return db.executeQuery({ ...statement.query, parameters: statement.bind(values) });
  };
}

interface Bindable<Values, Row> {
  readonly query: CompiledQuery<Row>;
  bind(values: Values): unknown[];
}

function compile<Values extends object, Row>(
  db: Executor,
  names: readonly (keyof Values & string)[],
  build: (db: Executor, values: Values) => Compilable<Row>,
): Bindable<Values, Row> {
  type Name = keyof Values & string;
  const standIns = Object.fromEntries(names.map((name) => [name, new StandIn(name)]));
  const query = build(db, standIns as unknown as Values).compile();
  const slots = query.parameters.map((parameter) =>
    parameter instanceof StandIn ? (parameter.name as Name) : undefined,
  );
  const missing = names.filter((name) => !slots.includes(name));
  if (missing.length > 0) throw new Error(`compiledOnce: ${missing.join(', ')} not passed as parameters`);
  const constants = query.parameters;
  return {
    query,
    bind: (values) => slots.map((name, i) => (name === undefined ? constants[i] : values[name])),
  };
}
