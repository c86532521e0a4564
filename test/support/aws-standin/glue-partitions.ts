/**
 * Glue GetPartitions for the stand-in (retention's read): an Expression of comparisons between a
 * partition key and a '...' string, joined by AND / OR, with parentheses; string comparison, as
 * Glue does for string keys. Pages by MaxResults with an offset NextToken.
 */
import type { GlueCatalogStore } from './glue';
import { ServiceError, jsonResponse, type WireResponse } from './protocol';

type Predicate = (row: Record<string, string>) => boolean;

const TOKEN = /\s*(\(|\)|<=|>=|<>|!=|=|<|>|'(?:[^']|'')*'|[A-Za-z_][A-Za-z0-9_]*)/y;

function tokens(expression: string): string[] {
  const out: string[] = [];
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < expression.length) {
    if (/^\s*$/.test(expression.slice(TOKEN.lastIndex))) break;
    const at = TOKEN.lastIndex;
    const match = TOKEN.exec(expression);
    if (!match) throw invalid(`unexpected text at ${at}: ${expression.slice(at, at + 10)}`);
    out.push(match[1]);
  }
  return out;
}

function invalid(message: string): ServiceError {
  return new ServiceError(400, 'InvalidInputException', `Unsupported expression: ${message}`);
}

const COMPARE: Record<string, (a: string, b: string) => boolean> = {
  '=': (a, b) => a === b,
  '<>': (a, b) => a !== b,
  '!=': (a, b) => a !== b,
  '<': (a, b) => a < b,
  '<=': (a, b) => a <= b,
  '>': (a, b) => a > b,
  '>=': (a, b) => a >= b,
};

/** or := and (OR and)*; and := atom (AND atom)*; atom := ( or ) | key op 'value'. */
export function parseExpression(expression: string, keys: readonly string[]): Predicate {
  const t = tokens(expression);
  let i = 0;
  const word = (w: string): boolean => t[i]?.toUpperCase() === w;
  const or = (): Predicate => {
    const parts = [and()];
    while (word('OR')) {
      i++;
      parts.push(and());
    }
    return (row) => parts.some((p) => p(row));
  };
  const and = (): Predicate => {
    const parts = [atom()];
    while (word('AND')) {
      i++;
      parts.push(atom());
    }
    return (row) => parts.every((p) => p(row));
  };
  const atom = (): Predicate => {
    if (t[i] === '(') {
      i++;
      const inner = or();
      if (t[i++] !== ')') throw invalid('missing )');
      return inner;
    }
    const key = (t[i++] ?? '').toLowerCase();
    const op = t[i++] ?? '';
    const literal = t[i++] ?? '';
    if (!keys.includes(key)) throw invalid(`unknown key ${key}`);
    if (!COMPARE[op] || !literal.startsWith("'")) throw invalid(`bad comparison ${key} ${op} ${literal}`);
    const value = literal.slice(1, -1).replace(/''/g, "'");
    return (row) => COMPARE[op](row[key], value);
  };
  const predicate = or();
  if (i !== t.length) throw invalid(`trailing ${t[i]}`);
  return predicate;
}

export function handleGetPartitions(input: Record<string, unknown>, catalog: GlueCatalogStore): WireResponse {
  const database = typeof input.DatabaseName === 'string' ? input.DatabaseName : '';
  const name = typeof input.TableName === 'string' ? input.TableName : '';
  const table = catalog.getTable(database, name);
  if (!table) throw new ServiceError(400, 'EntityNotFoundException', `Table ${name} not found.`);
  const keys = table.partitionKeys.map((k) => k.name.toLowerCase());
  const matches =
    typeof input.Expression === 'string' && input.Expression.trim() !== ''
      ? parseExpression(input.Expression, keys)
      : () => true;
  const all = catalog
    .partitions(database, name)
    .filter((p) => matches(Object.fromEntries(keys.map((k, j) => [k, p.values[j]]))));
  const start = typeof input.NextToken === 'string' ? Number(input.NextToken) : 0;
  const size = Math.min(1000, typeof input.MaxResults === 'number' ? input.MaxResults : 1000);
  const page = all.slice(start, start + size);
  const next = start + size < all.length ? String(start + size) : undefined;
  return jsonResponse({
    Partitions: page.map((p) => ({
      Values: [...p.values],
      DatabaseName: table.database,
      TableName: table.name,
      ...(input.ExcludeColumnSchema === true || p.location === undefined
        ? {}
        : { StorageDescriptor: { Location: p.location } }),
    })),
    ...(next ? { NextToken: next } : {}),
  });
}
