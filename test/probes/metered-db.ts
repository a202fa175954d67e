/**
 * The real D1 binding, counting what D1 itself reports for every statement (`meta.rows_read`,
 * `meta.rows_written`): what a cycle costs, measured by the database rather than guessed.
 * `first()` is answered through `all()` so its meta is seen too; the rows are the same.
 */
export interface Meter {
  rows_read: number;
  rows_written: number;
  statements: number;
  reset(): void;
}

export function meteredD1(real: D1Database): { db: D1Database; meter: Meter } {
  const meter: Meter = {
    rows_read: 0,
    rows_written: 0,
    statements: 0,
    reset() {
      meter.rows_read = 0;
      meter.rows_written = 0;
      meter.statements = 0;
    },
  };
  const count = (meta: D1Meta) => {
    meter.rows_read += meta.rows_read;
    meter.rows_written += meta.rows_written;
    meter.statements += 1;
  };
  const unwrap = new WeakMap<D1PreparedStatement, D1PreparedStatement>();
  const wrap = (statement: D1PreparedStatement): D1PreparedStatement => {
    const wrapped = {
      bind: (...values: unknown[]) => wrap(statement.bind(...values)),
      async first(column?: string) {
        const result = await statement.all<Record<string, unknown>>();
        count(result.meta);
        const row = result.results[0] ?? null;
        return column === undefined ? row : (row?.[column] ?? null);
      },
      async run() {
        const result = await statement.run();
        count(result.meta);
        return result;
      },
      async all() {
        const result = await statement.all();
        count(result.meta);
        return result;
      },
      raw: (options?: { columnNames?: boolean }) => statement.raw(options as { columnNames: true }),
    } as unknown as D1PreparedStatement;
    unwrap.set(wrapped, statement);
    return wrapped;
  };
  const db = {
    prepare: (query: string) => wrap(real.prepare(query)),
    async batch(statements: D1PreparedStatement[]) {
      const results = await real.batch(statements.map((s) => unwrap.get(s) ?? s));
      for (const result of results) count(result.meta);
      return results;
    },
    exec: (query: string) => real.exec(query),
    withSession: (constraint?: D1SessionBookmark | D1SessionConstraint) => real.withSession(constraint),
    dump: () => real.dump(),
  } as unknown as D1Database;
  return { db, meter };
}
