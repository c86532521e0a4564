/**
 * Literals for Trino (Athena's SELECT engine). Trino differs from the Hive DDL dialect that
 * `sqlString` in ./ddl.ts serves: a backslash is an ordinary character and a quote is escaped by
 * doubling it, so `\'` would END a Trino literal. Every value is validated by an allow-list
 * first; these functions are the second wall.
 */

/** A Trino string literal: `'` doubled, everything else (backslashes, newlines, `--`) kept verbatim. */
export function trinoString(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/** A double-quoted Trino identifier; a `"` inside is doubled. */
export function trinoIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** `"database"."table"`. */
export function trinoTable(database: string, table: string): string {
  return `${trinoIdentifier(database)}.${trinoIdentifier(table)}`;
}
