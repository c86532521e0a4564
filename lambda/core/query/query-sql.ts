/**
 * The user's own SELECT, with the partition filter put in: at every `{{partitions}}`
 * placeholder, or, for a query that reads the table once at its top level, ANDed into its
 * WHERE clause (or added as one). A query that reads the table and would get no filter is
 * refused unless the caller allows a full scan: that scan is what this project exists to avoid.
 */
export const PLACEHOLDER = '{{partitions}}';

export class QuerySqlError extends Error {
  override readonly name = 'QuerySqlError';
}

interface Token {
  readonly text: string;
  readonly start: number;
  readonly end: number;
  readonly depth: number;
  readonly kind: 'word' | 'quoted' | 'string' | 'other';
}

/** Words, quoted identifiers, string literals and punctuation, with paren depth; comments dropped. */
export function tokenize(sql: string): Token[] {
  const tokens: Token[] = [];
  let depth = 0;
  let i = 0;
  const closing = (quote: string, from: number): number => {
    let j = from + 1;
    for (;;) {
      const k = sql.indexOf(quote, j);
      if (k < 0)
        throw new QuerySqlError(
          `unterminated ${quote === "'" ? 'string literal' : 'quoted identifier'} at offset ${from}`,
        );
      if (sql[k + 1] === quote) j = k + 2;
      else return k + 1;
    }
  };
  while (i < sql.length) {
    const c = sql[i];
    if (/\s/.test(c)) i++;
    else if (sql.startsWith('--', i)) i = sql.includes('\n', i) ? sql.indexOf('\n', i) + 1 : sql.length;
    else if (sql.startsWith('/*', i)) {
      const end = sql.indexOf('*/', i + 2);
      if (end < 0) throw new QuerySqlError(`unterminated comment at offset ${i}`);
      i = end + 2;
    } else if (c === "'" || c === '"') {
      const end = closing(c, i);
      tokens.push({ text: sql.slice(i, end), start: i, end, depth, kind: c === "'" ? 'string' : 'quoted' });
      i = end;
    } else if (/[A-Za-z0-9_]/.test(c)) {
      const match = /^[A-Za-z0-9_]+/.exec(sql.slice(i)) as RegExpExecArray;
      tokens.push({ text: match[0], start: i, end: i + match[0].length, depth, kind: 'word' });
      i += match[0].length;
    } else {
      if (c === ')') depth--;
      tokens.push({ text: c, start: i, end: i + 1, depth, kind: 'other' });
      if (c === '(') depth++;
      i++;
    }
  }
  return tokens;
}

const CLAUSE_END = new Set([
  'GROUP',
  'ORDER',
  'LIMIT',
  'HAVING',
  'OFFSET',
  'FETCH',
  'WINDOW',
  'UNION',
  'INTERSECT',
  'EXCEPT',
]);
const NOT_SIMPLE = new Set(['JOIN', 'UNION', 'INTERSECT', 'EXCEPT', 'WITH']);

const bare = (token: Token): string =>
  token.kind === 'quoted'
    ? token.text.slice(1, -1).replace(/""/g, '"').toLowerCase()
    : token.text.toLowerCase();

export interface UserQuery {
  readonly sql: string;
  /** How the filter went in: at placeholders, into the WHERE clause, or not at all. */
  readonly filter: 'placeholder' | 'where' | 'none';
}

export function applyPartitionFilter(
  text: string,
  filterSql: string,
  target: { readonly database: string; readonly table: string; readonly allowFullScan: boolean },
): UserQuery {
  const sql = text.trim().replace(/;\s*$/, '');
  const tokens = tokenize(sql);
  if (tokens.length === 0) throw new QuerySqlError('empty query: expected a SELECT statement');
  const first = tokens[0].text.toUpperCase();
  if (first !== 'SELECT' && first !== 'WITH' && first !== '(') {
    throw new QuerySqlError(`refused ${first} statement: expected a SELECT (or WITH ... SELECT) query`);
  }
  if (tokens.some((t) => t.text === ';'))
    throw new QuerySqlError('refused: expected one statement, found a ";" between statements');
  if (sql.includes(PLACEHOLDER))
    return { sql: sql.split(PLACEHOLDER).join(`(${filterSql})`), filter: 'placeholder' };
  const refs = tokens.flatMap((t, i) => {
    if ((t.kind !== 'word' && t.kind !== 'quoted') || bare(t) !== target.table) return [];
    const qualified = i >= 2 && tokens[i - 1].text === '.';
    if (qualified && bare(tokens[i - 2]) !== target.database) return [];
    return [{ index: i, start: qualified ? tokens[i - 2].start : t.start }];
  });
  if (refs.length === 0) return { sql, filter: 'none' };
  const top = tokens.filter((t) => t.depth === 0 && t.kind === 'word').map((t) => t.text.toUpperCase());
  const simple =
    refs.length === 1 &&
    tokens[refs[0].index].depth === 0 &&
    !top.some((w) => NOT_SIMPLE.has(w)) &&
    first === 'SELECT';
  if (simple) return { sql: insertWhere(sql, tokens, refs[0].index, filterSql), filter: 'where' };
  if (target.allowFullScan) return { sql, filter: 'none' };
  throw new QuerySqlError(
    `refused: the query reads ${target.database}.${target.table} without a partition filter (it would scan every log); put ${PLACEHOLDER} where the filter goes, or give --allow-full-scan`,
  );
}

function insertWhere(sql: string, tokens: readonly Token[], tableIndex: number, filterSql: string): string {
  const after = tokens.slice(tableIndex + 1);
  const where = after.find((t) => t.depth === 0 && t.kind === 'word' && t.text.toUpperCase() === 'WHERE');
  const endAfter = (from: number): Token | undefined =>
    tokens
      .slice(from)
      .find((t) => t.depth === 0 && t.kind === 'word' && CLAUSE_END.has(t.text.toUpperCase()));
  if (where) {
    const end = endAfter(tokens.indexOf(where) + 1);
    const cut = end ? end.start : sql.length;
    const condition = sql.slice(where.end, cut).trim();
    return `${sql.slice(0, where.start)}WHERE ${filterSql}\n  AND (${condition})${end ? `\n${sql.slice(cut)}` : ''}`;
  }
  const end = endAfter(tableIndex + 1);
  const cut = end ? end.start : sql.length;
  return `${sql.slice(0, cut).trimEnd()}\nWHERE ${filterSql}${end ? `\n${sql.slice(cut)}` : ''}`;
}
