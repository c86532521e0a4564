/**
 * Parser for the one statement the stand-in's Athena executes:
 *   ALTER TABLE [`db`.]`table` ADD [IF NOT EXISTS]
 *     PARTITION (k = 'v', ...) [LOCATION 's3://...'] [PARTITION (...) [LOCATION '...'] ...] [;]
 * Identifiers may be bare, `back-quoted` or "double-quoted"; values are '...' strings
 * ('' or \' escapes) or numbers; -- and /* *\/ comments are skipped. Keywords are
 * case-insensitive. Anything else is a {@link DdlParseError}, which the stand-in reports
 * the way Athena reports a syntax error: InvalidRequestException at StartQueryExecution.
 */

export interface PartitionSpecEntry {
  readonly key: string;
  readonly value: string;
}

export interface PartitionClause {
  readonly spec: readonly PartitionSpecEntry[];
  readonly location?: string;
}

export interface AddPartitionsDdl {
  readonly database?: string;
  readonly table: string;
  readonly ifNotExists: boolean;
  readonly partitions: readonly PartitionClause[];
}

export class DdlParseError extends Error {}

type TokenKind = 'word' | 'ident' | 'string' | 'number' | 'punct' | 'eof';
interface Token {
  readonly kind: TokenKind;
  readonly text: string;
  readonly offset: number;
}

const PUNCT = new Set(['(', ')', ',', '=', '.', ';']);
const isWordStart = (c: number): boolean => (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
const isDigit = (c: number): boolean => c >= 48 && c <= 57;
const isWordChar = (c: number): boolean => isWordStart(c) || isDigit(c);
const ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', '0': '\0' };

/** A hand-written scanner: a 256 KB statement of 1,000 partitions scans in a few ms. */
function tokenize(sql: string): Token[] {
  const tokens: Token[] = [];
  const n = sql.length;
  let i = 0;
  while (i < n) {
    const c = sql.charCodeAt(i);
    const start = i;
    if (c === 32 || c === 10 || c === 9 || c === 13) {
      i += 1;
    } else if (c === 45 && sql.charCodeAt(i + 1) === 45) {
      const eol = sql.indexOf('\n', i);
      i = eol < 0 ? n : eol + 1;
    } else if (c === 47 && sql.charCodeAt(i + 1) === 42) {
      const close = sql.indexOf('*/', i + 2);
      if (close < 0) throw new DdlParseError(`${position(sql, start)}: unterminated comment`);
      i = close + 2;
    } else if (isWordStart(c)) {
      i += 1;
      while (i < n && isWordChar(sql.charCodeAt(i))) i += 1;
      tokens.push({ kind: 'word', text: sql.slice(start, i), offset: start });
    } else if (c === 96 || c === 34 || c === 39) {
      // `ident` and "ident" double their quote to escape it; 'string' also takes backslash escapes.
      const quote = sql[i];
      let text = '';
      let segment = i + 1;
      for (i += 1; ;) {
        if (i >= n) throw new DdlParseError(`${position(sql, start)}: unterminated quoted text`);
        const ch = sql.charCodeAt(i);
        if (ch === 92 && c === 39) {
          const escaped = sql[i + 1] ?? '';
          text += sql.slice(segment, i) + (ESCAPES[escaped] ?? escaped);
          i += 2;
          segment = i;
        } else if (ch === c) {
          if (sql.charCodeAt(i + 1) !== c) break;
          text += sql.slice(segment, i) + quote;
          i += 2;
          segment = i;
        } else {
          i += 1;
        }
      }
      text += sql.slice(segment, i);
      i += 1;
      tokens.push({ kind: c === 39 ? 'string' : 'ident', text, offset: start });
    } else if (isDigit(c) || (c === 45 && isDigit(sql.charCodeAt(i + 1)))) {
      i += 1;
      while (i < n && (isDigit(sql.charCodeAt(i)) || sql[i] === '.')) i += 1;
      tokens.push({ kind: 'number', text: sql.slice(start, i), offset: start });
    } else if (PUNCT.has(sql[i])) {
      i += 1;
      tokens.push({ kind: 'punct', text: sql[start], offset: start });
    } else {
      throw new DdlParseError(`${position(sql, start)}: token recognition error at: '${sql[start]}'`);
    }
  }
  tokens.push({ kind: 'eof', text: '<EOF>', offset: n });
  return tokens;
}

function position(sql: string, offset: number): string {
  const before = sql.slice(0, offset);
  const line = before.split('\n').length;
  return `line ${line}:${offset - before.lastIndexOf('\n')}`;
}

export function parseAddPartitions(sql: string): AddPartitionsDdl {
  const tokens = tokenize(sql);
  let i = 0;
  const peek = (): Token => tokens[i];
  const fail = (expecting: string): never => {
    const t = peek();
    throw new DdlParseError(
      `${position(sql, t.offset)}: mismatched input '${t.text}'. Expecting: ${expecting}`,
    );
  };
  const isKeyword = (word: string): boolean => peek().kind === 'word' && peek().text.toUpperCase() === word;
  const keyword = (word: string): void => {
    if (!isKeyword(word)) fail(`'${word}'`);
    i += 1;
  };
  const punct = (p: string): void => {
    if (peek().kind !== 'punct' || peek().text !== p) fail(`'${p}'`);
    i += 1;
  };
  const identifier = (): string => {
    const t = peek();
    if (t.kind !== 'word' && t.kind !== 'ident') fail('<identifier>');
    i += 1;
    return t.text;
  };

  keyword('ALTER');
  keyword('TABLE');
  let table = identifier();
  let database: string | undefined;
  if (peek().text === '.' && peek().kind === 'punct') {
    i += 1;
    database = table;
    table = identifier();
  }
  keyword('ADD');
  let ifNotExists = false;
  if (isKeyword('IF')) {
    i += 1;
    keyword('NOT');
    keyword('EXISTS');
    ifNotExists = true;
  }
  const partitions: PartitionClause[] = [];
  do {
    keyword('PARTITION');
    punct('(');
    const spec: PartitionSpecEntry[] = [];
    for (;;) {
      const key = identifier();
      punct('=');
      const v = peek();
      if (v.kind !== 'string' && v.kind !== 'number') fail('<string literal>');
      i += 1;
      spec.push({ key, value: v.text });
      if (peek().text === ',' && peek().kind === 'punct') i += 1;
      else break;
    }
    punct(')');
    let location: string | undefined;
    if (isKeyword('LOCATION')) {
      i += 1;
      if (peek().kind !== 'string') fail('<string literal>');
      location = peek().text;
      i += 1;
    }
    partitions.push({ spec, ...(location !== undefined ? { location } : {}) });
  } while (isKeyword('PARTITION'));
  if (peek().kind === 'punct' && peek().text === ';') i += 1;
  if (peek().kind !== 'eof') fail("'PARTITION', <EOF>");
  return { ...(database !== undefined ? { database } : {}), table, ifNotExists, partitions };
}

export interface DropPartitionsDdl {
  readonly drop: true;
  readonly database?: string;
  readonly table: string;
  readonly ifExists: boolean;
  readonly partitions: readonly PartitionClause[];
}

/**
 * Athena's documented drop form:
 *   ALTER TABLE [`db`.]`table` DROP [IF EXISTS] PARTITION (k = 'v', ...) [, PARTITION (...) ...] [;]
 * Specs only: a LOCATION here is a syntax error, as in Hive.
 */
export function parseDropPartitions(sql: string): DropPartitionsDdl {
  const tokens = tokenize(sql);
  let i = 0;
  const peek = (): Token => tokens[i];
  const fail = (expecting: string): never => {
    const t = peek();
    throw new DdlParseError(
      `${position(sql, t.offset)}: mismatched input '${t.text}'. Expecting: ${expecting}`,
    );
  };
  const isKeyword = (word: string): boolean => peek().kind === 'word' && peek().text.toUpperCase() === word;
  const isPunct = (p: string): boolean => peek().kind === 'punct' && peek().text === p;
  const keyword = (word: string): void => {
    if (!isKeyword(word)) fail(`'${word}'`);
    i += 1;
  };
  const punct = (p: string): void => {
    if (!isPunct(p)) fail(`'${p}'`);
    i += 1;
  };
  const identifier = (): string => {
    const t = peek();
    if (t.kind !== 'word' && t.kind !== 'ident') fail('<identifier>');
    i += 1;
    return t.text;
  };
  keyword('ALTER');
  keyword('TABLE');
  let table = identifier();
  let database: string | undefined;
  if (isPunct('.')) {
    i += 1;
    database = table;
    table = identifier();
  }
  keyword('DROP');
  let ifExists = false;
  if (isKeyword('IF')) {
    i += 1;
    keyword('EXISTS');
    ifExists = true;
  }
  const partitions: PartitionClause[] = [];
  for (;;) {
    keyword('PARTITION');
    punct('(');
    const spec: PartitionSpecEntry[] = [];
    do {
      if (spec.length > 0) i += 1;
      const key = identifier();
      punct('=');
      const v = peek();
      if (v.kind !== 'string' && v.kind !== 'number') fail('<string literal>');
      i += 1;
      spec.push({ key, value: v.text });
    } while (isPunct(','));
    punct(')');
    partitions.push({ spec });
    if (!isPunct(',')) break;
    i += 1;
  }
  if (isPunct(';')) i += 1;
  if (peek().kind !== 'eof') fail("',', <EOF>");
  return { drop: true, ...(database !== undefined ? { database } : {}), table, ifExists, partitions };
}
