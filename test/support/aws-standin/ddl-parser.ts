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

/** A cursor over the tokens of one statement: the parsers' shared steps and Hive-style errors. */
class Cursor {
  private i = 0;
  private readonly tokens: Token[];

  constructor(private readonly sql: string) {
    this.tokens = tokenize(sql);
  }

  peek(): Token {
    return this.tokens[this.i];
  }

  advance(): void {
    this.i += 1;
  }

  fail(expecting: string): never {
    const t = this.peek();
    throw new DdlParseError(
      `${position(this.sql, t.offset)}: mismatched input '${t.text}'. Expecting: ${expecting}`,
    );
  }

  isKeyword(word: string): boolean {
    return this.peek().kind === 'word' && this.peek().text.toUpperCase() === word;
  }

  isPunct(p: string): boolean {
    return this.peek().kind === 'punct' && this.peek().text === p;
  }

  keyword(word: string): void {
    if (!this.isKeyword(word)) this.fail(`'${word}'`);
    this.advance();
  }

  punct(p: string): void {
    if (!this.isPunct(p)) this.fail(`'${p}'`);
    this.advance();
  }

  identifier(): string {
    const t = this.peek();
    if (t.kind !== 'word' && t.kind !== 'ident') this.fail('<identifier>');
    this.advance();
    return t.text;
  }

  /** `ALTER TABLE [db.]table`. */
  alterTable(): { database?: string; table: string } {
    this.keyword('ALTER');
    this.keyword('TABLE');
    const first = this.identifier();
    if (!this.isPunct('.')) return { table: first };
    this.advance();
    return { database: first, table: this.identifier() };
  }

  /** `PARTITION (k = 'v', ...)`. */
  partitionSpec(): PartitionSpecEntry[] {
    this.keyword('PARTITION');
    this.punct('(');
    const spec: PartitionSpecEntry[] = [];
    do {
      if (spec.length > 0) this.advance();
      const key = this.identifier();
      this.punct('=');
      const v = this.peek();
      if (v.kind !== 'string' && v.kind !== 'number') this.fail('<string literal>');
      this.advance();
      spec.push({ key, value: v.text });
    } while (this.isPunct(','));
    this.punct(')');
    return spec;
  }

  /** An optional `;`, then the end. */
  end(expecting: string): void {
    if (this.isPunct(';')) this.advance();
    if (this.peek().kind !== 'eof') this.fail(expecting);
  }
}

export function parseAddPartitions(sql: string): AddPartitionsDdl {
  const c = new Cursor(sql);
  const { database, table } = c.alterTable();
  c.keyword('ADD');
  let ifNotExists = false;
  if (c.isKeyword('IF')) {
    c.advance();
    c.keyword('NOT');
    c.keyword('EXISTS');
    ifNotExists = true;
  }
  const partitions: PartitionClause[] = [];
  do {
    const spec = c.partitionSpec();
    let location: string | undefined;
    if (c.isKeyword('LOCATION')) {
      c.advance();
      if (c.peek().kind !== 'string') c.fail('<string literal>');
      location = c.peek().text;
      c.advance();
    }
    partitions.push({ spec, ...(location !== undefined ? { location } : {}) });
  } while (c.isKeyword('PARTITION'));
  c.end("'PARTITION', <EOF>");
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
  const c = new Cursor(sql);
  const { database, table } = c.alterTable();
  c.keyword('DROP');
  let ifExists = false;
  if (c.isKeyword('IF')) {
    c.advance();
    c.keyword('EXISTS');
    ifExists = true;
  }
  const partitions: PartitionClause[] = [{ spec: c.partitionSpec() }];
  while (c.isPunct(',')) {
    c.advance();
    partitions.push({ spec: c.partitionSpec() });
  }
  c.end("',', <EOF>");
  return { drop: true, ...(database !== undefined ? { database } : {}), table, ifExists, partitions };
}
