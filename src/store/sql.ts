/**
 * Builds a multi-row `values (…), (…)` list with numbered parameters. `casts[k]` (e.g. `jsonb`,
 * `text[]`, `int`) is appended to column k's placeholder, so JSON and arrays bind the same way on
 * PGlite and node-postgres.
 */
export function valuesList(rows: readonly (readonly unknown[])[], casts: readonly (string | undefined)[] = []): { sql: string; params: unknown[] } {
  const params: unknown[] = [];
  const tuples = rows.map((row) => {
    const base = params.length;
    params.push(...row);
    return `(${row.map((_, k) => `$${base + k + 1}${casts[k] ? `::${casts[k]}` : ''}`).join(', ')})`;
  });
  return { sql: tuples.join(', '), params };
}

/** Splits rows into statements of at most `size` rows (PostgreSQL allows 65,535 parameters a statement). */
export function* chunks<T>(rows: readonly T[], size: number): Generator<T[]> {
  for (let i = 0; i < rows.length; i += size) yield rows.slice(i, i + size);
}
