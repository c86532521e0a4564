/**
 * The top-level shape of a Glue `GetPartitions` expression, written apart from the code that
 * builds them: Glue uses a partition index only for conditions ANDed at the top on the index's
 * keys, so tests check that the top operator is AND (or a single condition) and that the first
 * conjunct is on the index's first key.
 */
export interface ExpressionShape {
  /** `AND`, `OR`, or `none` for a single condition. */
  readonly operator: 'AND' | 'OR' | 'none';
  /** The top-level operands, outer parentheses removed. */
  readonly operands: string[];
}

function stripOuter(text: string): string {
  let t = text.trim();
  while (t.startsWith('(') && closingOf(t, 0) === t.length - 1) t = t.slice(1, -1).trim();
  return t;
}

function closingOf(text: string, open: number): number {
  let depth = 0;
  let quoted = false;
  for (let i = open; i < text.length; i++) {
    const c = text[i];
    if (c === "'") quoted = !quoted;
    else if (!quoted && c === '(') depth++;
    else if (!quoted && c === ')' && --depth === 0) return i;
  }
  return -1;
}

/** Splits at depth 0 on AND / OR, keeping `BETWEEN a AND b` whole. */
export function expressionShape(expression: string): ExpressionShape {
  const text = stripOuter(expression);
  const words = text.match(/'[^']*'|\(|\)|[^\s()']+/g) ?? [];
  const operands: string[][] = [[]];
  const operators = new Set<'AND' | 'OR'>();
  let depth = 0;
  let between = false;
  for (const word of words) {
    const upper = word.toUpperCase();
    if (word === '(') depth++;
    if (word === ')') depth--;
    if (depth === 0 && upper === 'BETWEEN') between = true;
    if (depth === 0 && (upper === 'AND' || upper === 'OR')) {
      if (upper === 'AND' && between) between = false;
      else {
        operators.add(upper);
        operands.push([]);
        continue;
      }
    }
    operands[operands.length - 1].push(word);
  }
  if (operators.size > 1) throw new Error(`mixed AND and OR at the top of ${expression}`);
  const operator = operators.size === 0 ? 'none' : [...operators][0];
  return {
    operator,
    operands: operands.map((o) => stripOuter(o.join(' ').replace(/\( /g, '(').replace(/ \)/g, ')'))),
  };
}

/** The partition key the operand's condition is on (its first word). */
export function keyOf(operand: string): string {
  return (operand.match(/^[A-Za-z_]+/) ?? [''])[0].toLowerCase();
}
