/**
 * The subset of Glue's `GetPartitions` expression language the project uses: key names,
 * single-quoted string literals (backslash escapes), `=`, `<>`, `<`, `<=`, `>`, `>=`,
 * `BETWEEN … AND …`, `IN (…)`, `AND`, `OR`, `NOT` and parentheses. Anything else is refused
 * (InvalidInputException), so a test fails when the code sends what the stand-in cannot judge.
 * Comparisons are on strings, as Glue compares string partition keys.
 */
export type Row = Readonly<Record<string, string>>;
export type Predicate = (row: Row) => boolean;

export class ExpressionSyntaxError extends Error {}

type Token = { kind: 'word' | 'string' | 'op' | 'paren' | 'comma'; text: string };

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (/\s/.test(c)) {
      i++;
    } else if (c === "'") {
      let value = '';
      i++;
      for (;;) {
        if (i >= text.length) throw new ExpressionSyntaxError('unterminated string literal');
        if (text[i] === '\\') {
          value += text[i + 1] ?? '';
          i += 2;
        } else if (text[i] === "'") {
          i++;
          break;
        } else value += text[i++];
      }
      tokens.push({ kind: 'string', text: value });
    } else if (c === '(' || c === ')') {
      tokens.push({ kind: 'paren', text: c });
      i++;
    } else if (c === ',') {
      tokens.push({ kind: 'comma', text: c });
      i++;
    } else if (/[<>=]/.test(c)) {
      const two = text.slice(i, i + 2);
      const op = ['<=', '>=', '<>'].includes(two) ? two : c;
      tokens.push({ kind: 'op', text: op });
      i += op.length;
    } else if (/[A-Za-z_]/.test(c)) {
      const word = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(i))?.[0] ?? c;
      tokens.push({ kind: 'word', text: word });
      i += word.length;
    } else throw new ExpressionSyntaxError(`unexpected character ${JSON.stringify(c)} at ${i}`);
  }
  return tokens;
}

const KEYWORDS = new Set(['AND', 'OR', 'NOT', 'BETWEEN', 'IN']);

/** Parses an expression on the given keys into a predicate; throws ExpressionSyntaxError. */
export function parseExpression(text: string, keys: readonly string[]): Predicate {
  const tokens = tokenize(text);
  let pos = 0;
  const peek = (): Token | undefined => tokens[pos];
  const isWord = (word: string): boolean => peek()?.kind === 'word' && peek()?.text.toUpperCase() === word;
  const expect = (kind: Token['kind'], text?: string): Token => {
    const token = tokens[pos++];
    if (!token || token.kind !== kind || (text !== undefined && token.text.toUpperCase() !== text)) {
      throw new ExpressionSyntaxError(`expected ${text ?? kind} at token ${pos - 1}`);
    }
    return token;
  };
  const literal = (): string => expect('string').text;

  const comparison = (): Predicate => {
    if (isWord('NOT')) {
      pos++;
      const inner = comparison();
      return (row) => !inner(row);
    }
    if (peek()?.kind === 'paren' && peek()?.text === '(') {
      pos++;
      const inner = disjunction();
      expect('paren', ')');
      return inner;
    }
    const key = expect('word').text.toLowerCase();
    if (KEYWORDS.has(key.toUpperCase()) || !keys.includes(key)) {
      throw new ExpressionSyntaxError(`unknown partition key ${key}`);
    }
    if (isWord('BETWEEN')) {
      pos++;
      const low = literal();
      expect('word', 'AND');
      const high = literal();
      return (row) => row[key] >= low && row[key] <= high;
    }
    if (isWord('IN')) {
      pos++;
      expect('paren', '(');
      const values = new Set([literal()]);
      while (peek()?.kind === 'comma') {
        pos++;
        values.add(literal());
      }
      expect('paren', ')');
      return (row) => values.has(row[key]);
    }
    const op = expect('op').text;
    const value = literal();
    const compare: Record<string, (a: string) => boolean> = {
      '=': (a) => a === value,
      '<>': (a) => a !== value,
      '<': (a) => a < value,
      '<=': (a) => a <= value,
      '>': (a) => a > value,
      '>=': (a) => a >= value,
    };
    const test = compare[op];
    return (row) => test(row[key]);
  };
  const conjunction = (): Predicate => {
    const parts = [comparison()];
    while (isWord('AND')) {
      pos++;
      parts.push(comparison());
    }
    return (row) => parts.every((part) => part(row));
  };
  const disjunction = (): Predicate => {
    const parts = [conjunction()];
    while (isWord('OR')) {
      pos++;
      parts.push(conjunction());
    }
    return (row) => parts.some((part) => part(row));
  };
  const predicate = disjunction();
  if (pos !== tokens.length) throw new ExpressionSyntaxError(`unexpected token at ${pos}`);
  return predicate;
}
