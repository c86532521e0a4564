/**
 * The Hive grammar from dt-sql-parser, as an independent judge of the SQL the core renders:
 * Athena runs DDL through Hive, so what Hive's lexer and parser make of a statement is what
 * Athena makes of it.
 */
import { HiveSQL } from 'dt-sql-parser';

const hive = new HiveSQL();
const vocabulary = hive.createLexer('').vocabulary;

export interface HiveToken {
  /** The lexer's symbolic name: KW_PARTITION, StringLiteral, Identifier, LPAREN, … */
  readonly kind: string;
  readonly text: string;
}

/** Tokens on the default channel (whitespace and comments dropped). */
export function hiveTokens(sql: string): HiveToken[] {
  return hive
    .getAllTokens(sql)
    .filter((token) => token.channel === 0)
    .map((token) => ({
      kind: vocabulary.getSymbolicName(token.type) ?? String(token.type),
      text: token.text ?? '',
    }));
}

/** Every token, hidden channel included (to see comments). */
export function hiveAllTokenKinds(sql: string): string[] {
  return hive.getAllTokens(sql).map((token) => vocabulary.getSymbolicName(token.type) ?? String(token.type));
}

/** Syntax errors; [] when Hive accepts the input. */
export function hiveErrors(sql: string): unknown[] {
  return hive.validate(sql);
}

/** Number of statements Hive splits the input into (null counts as -1: a syntax error). */
export function hiveStatementCount(sql: string): number {
  return hive.splitSQLByStatement(sql)?.length ?? -1;
}

export function countKind(sql: string, kind: string): number {
  return hiveTokens(sql).filter((token) => token.kind === kind).length;
}

/** String literal tokens, unescaped as Hive unescapes them. */
export function stringLiterals(sql: string): string[] {
  return hiveTokens(sql)
    .filter((token) => token.kind === 'StringLiteral')
    .map((token) => unescapeHiveString(token.text));
}

/** Backquoted identifier tokens, unquoted. */
export function quotedIdentifiers(sql: string): string[] {
  return hiveTokens(sql)
    .filter((token) => token.kind === 'Identifier' && token.text.startsWith('`'))
    .map((token) => unquoteHiveIdentifier(token.text));
}

const SIMPLE_ESCAPES: Readonly<Record<string, string>> = {
  '0': '\u0000',
  "'": "'",
  '"': '"',
  b: '\b',
  n: '\n',
  r: '\r',
  t: '\t',
  Z: '\u001A',
  '\\': '\\',
  '%': '\\%',
  _: '\\_',
};

/**
 * Hive's unescapeSQLString for one StringLiteral token: adjacent literals ('a' 'b', 'a''b')
 * concatenate; `\n`, `\t`, `\0`, `\uXXXX`, octal `\ddd` and friends are decoded, an unknown
 * escape drops its backslash. Decoding every escape (not just `\\` and `\'`) is deliberate: a
 * renderer that forgot to double a backslash would not round-trip.
 */
export function unescapeHiveString(token: string): string {
  let out = '';
  let i = 0;
  while (i < token.length) {
    const quote = token[i];
    if (quote !== "'" && quote !== '"') throw new Error(`not a string literal: ${JSON.stringify(token)}`);
    i++;
    for (;;) {
      if (i >= token.length) throw new Error(`unterminated string literal: ${JSON.stringify(token)}`);
      const char = token[i];
      if (char === quote) {
        i++;
        break;
      }
      if (char !== '\\') {
        out += char;
        i++;
        continue;
      }
      const next = token[i + 1];
      if (next === 'u' && /^[0-9A-Fa-f]{4}$/.test(token.slice(i + 2, i + 6))) {
        out += String.fromCharCode(parseInt(token.slice(i + 2, i + 6), 16));
        i += 6;
      } else if (/^[0-3][0-7]{2}$/.test(token.slice(i + 1, i + 4))) {
        out += String.fromCharCode(parseInt(token.slice(i + 1, i + 4), 8));
        i += 4;
      } else {
        out += SIMPLE_ESCAPES[next] ?? next;
        i += 2;
      }
    }
    while (i < token.length && /\s/.test(token[i])) i++;
  }
  return out;
}

export function unquoteHiveIdentifier(token: string): string {
  if (!token.startsWith('`') || !token.endsWith('`') || token.length < 2) {
    throw new Error(`not a backquoted identifier: ${JSON.stringify(token)}`);
  }
  return token.slice(1, -1).replace(/``/g, '`');
}
