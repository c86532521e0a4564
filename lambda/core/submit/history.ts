/**
 * Athena's latency before the first statement, from the workgroup's own query history: the
 * scheduled run happens every day (and the first deploy runs a backfill), so the workgroup
 * holds this table's recent `ALTER TABLE … ADD … PARTITION` statements with Athena's own
 * timings. Each becomes a sample {partitions, ms} for {@link LatencyEstimator.fromHistory}.
 *
 * Only what surely is a partition add on THIS table counts: SUCCEEDED, DDL, `ALTER TABLE
 * <database>.<table> ADD [IF NOT EXISTS] PARTITION (…) [LOCATION '…'] …` read token by token
 * (names compared without quotes and case, as Glue stores them lower-case), completed within
 * the recency window. Partitions are counted as PARTITION keywords at the top level, so a
 * LOCATION value holding `PARTITION (` (S3 keys may hold anything) never counts.
 */
import { athenaLatencyMs, type LatencySample } from './latency';
import type { RecentQuery } from '../shared/ports';

export type { LatencySample } from './latency';

/**
 * Queries read from the workgroup's history: one BatchGetQueryExecution of these, each up to
 * 256 KB of SQL, so the answer stays a few MB at most. The daily run and a backfill's chunks
 * are the newest DDL of the workgroup unless many investigation queries ran since.
 */
export const HISTORY_QUERIES = 20;
/**
 * Samples older than this are ignored. A week holds seven daily runs (enough samples) and
 * follows Athena's own drift (load, the table's growing partition count); the 45 days Athena
 * keeps would let a month-old backfill speak for today's Athena.
 */
export const HISTORY_MAX_AGE_MS = 7 * 86_400_000;
/** Fewer samples than this are not trusted: one heavy-tailed statement must not set the pace. */
export const HISTORY_MIN_SAMPLES = 3;

export interface HistoryTable {
  readonly database: string;
  readonly table: string;
}

export interface HistoryOptions {
  /** The injected clock's now (ms since epoch): recency is measured from it. */
  readonly nowMs: number;
  /** @default HISTORY_MAX_AGE_MS */
  readonly maxAgeMs?: number;
  /** @default HISTORY_MIN_SAMPLES */
  readonly minSamples?: number;
}

/** Latency samples from the history, newest first; empty when fewer than the minimum qualify. */
export function latencyHistory(
  queries: readonly RecentQuery[],
  table: HistoryTable,
  options: HistoryOptions,
): LatencySample[] {
  const oldest = options.nowMs - (options.maxAgeMs ?? HISTORY_MAX_AGE_MS);
  const samples: LatencySample[] = [];
  for (const query of queries) {
    if (query.state !== 'SUCCEEDED') continue;
    if (query.statementType !== undefined && query.statementType.toUpperCase() !== 'DDL') continue;
    const completedAt = query.timing?.completedAtMs ?? query.timing?.submittedAtMs;
    if (completedAt === undefined || completedAt < oldest) continue;
    const ms = athenaLatencyMs(query.timing);
    if (ms === undefined || !(ms > 0)) continue;
    const partitions = addedPartitions(query.sql, table);
    if (partitions === undefined || partitions < 1) continue;
    samples.push({ partitions, ms });
  }
  return samples.length >= (options.minSamples ?? HISTORY_MIN_SAMPLES) ? samples : [];
}

type Token =
  | { readonly kind: 'word'; readonly text: string }
  | { readonly kind: 'name'; readonly text: string }
  | { readonly kind: 'string' }
  | { readonly kind: 'punct'; readonly text: string };

/**
 * The partitions an `ALTER TABLE <database>.<table> ADD [IF NOT EXISTS] PARTITION (…)
 * [LOCATION '…'] …` statement adds; undefined for any other statement or table.
 */
export function addedPartitions(sql: string, table: HistoryTable): number | undefined {
  const tokens = tokenize(sql);
  if (!tokens) return undefined;
  let i = 0;
  const word = (text: string): boolean => {
    const token = tokens[i];
    if (token?.kind !== 'word' || token.text !== text) return false;
    i++;
    return true;
  };
  const name = (): string | undefined => {
    const token = tokens[i];
    if (token?.kind !== 'word' && token?.kind !== 'name') return undefined;
    i++;
    return token.text;
  };
  if (!word('alter') || !word('table')) return undefined;
  const database = name();
  if (tokens[i]?.kind !== 'punct' || (tokens[i] as { text: string }).text !== '.') return undefined;
  i++;
  const tableName = name();
  if (database !== table.database.toLowerCase() || tableName !== table.table.toLowerCase()) return undefined;
  if (!word('add')) return undefined;
  if (word('if') && !(word('not') && word('exists'))) return undefined;
  return countClauses(tokens.slice(i));
}

/** PARTITION (…) [LOCATION '…'] clauses, nothing else; undefined when anything else appears. */
function countClauses(tokens: readonly Token[]): number | undefined {
  let count = 0;
  let i = 0;
  const is = (kind: Token['kind'], text?: string): boolean => {
    const token = tokens[i];
    return token?.kind === kind && (text === undefined || ('text' in token && token.text === text));
  };
  while (i < tokens.length) {
    if (is('punct', ';') && i === tokens.length - 1) break;
    if (!is('word', 'partition')) return undefined;
    i++;
    if (!is('punct', '(')) return undefined;
    // Partition values are literals and names: no nested parentheses in a partition spec.
    while (i < tokens.length && !is('punct', ')')) i++;
    if (i >= tokens.length) return undefined;
    i++;
    count++;
    if (is('word', 'location')) {
      i++;
      if (!is('string')) return undefined;
      i++;
    }
  }
  return count;
}

/**
 * Words (lower-cased), quoted names (`…` or "…", unquoted), string literals ('…', backslash
 * escapes, as Hive reads them; their text is never needed) and punctuation; comments skipped.
 * Undefined when a literal, name or comment is left open.
 */
function tokenize(sql: string): Token[] | undefined {
  const tokens: Token[] = [];
  let i = 0;
  while (i < sql.length) {
    const c = sql[i];
    if (/\s/.test(c)) i++;
    else if (sql.startsWith('--', i)) {
      const end = sql.indexOf('\n', i);
      i = end < 0 ? sql.length : end + 1;
    } else if (sql.startsWith('/*', i)) {
      const end = sql.indexOf('*/', i + 2);
      if (end < 0) return undefined;
      i = end + 2;
    } else if (c === "'") {
      let j = i + 1;
      while (j < sql.length && sql[j] !== "'") j += sql[j] === '\\' ? 2 : 1;
      if (j >= sql.length) return undefined;
      tokens.push({ kind: 'string' });
      i = j + 1;
    } else if (c === '`' || c === '"') {
      // A doubled quote inside a quoted name stands for one.
      let text = '';
      let j = i + 1;
      for (;;) {
        if (j >= sql.length) return undefined;
        if (sql[j] === c && sql[j + 1] === c) {
          text += c;
          j += 2;
        } else if (sql[j] === c) break;
        else text += sql[j++];
      }
      tokens.push({ kind: 'name', text: text.toLowerCase() });
      i = j + 1;
    } else if (/[\w$]/.test(c)) {
      let j = i + 1;
      while (j < sql.length && /[\w$]/.test(sql[j])) j++;
      tokens.push({ kind: 'word', text: sql.slice(i, j).toLowerCase() });
      i = j;
    } else {
      tokens.push({ kind: 'punct', text: c });
      i++;
    }
  }
  return tokens;
}
