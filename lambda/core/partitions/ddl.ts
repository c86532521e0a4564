/**
 * Renders partitions into `ALTER TABLE … ADD IF NOT EXISTS PARTITION (…) LOCATION '…' …`
 * statements and packs as many partitions into each as the byte budget and the partition
 * cap allow. Rendering is streaming: a statement is built only when the previous one has
 * been taken, so memory stays flat however long the window is.
 */
import type { PartitionScheme } from './scheme';

/** Athena's hard limit on a query string, in UTF-8 bytes. */
export const ATHENA_MAX_QUERY_BYTES = 262_144;
/**
 * Kept below the hard limit: statement bytes are counted exactly (UTF-8), so the margin only
 * absorbs what could be added on the way (a trailing newline or terminator, a client that
 * re-encodes), never a guess at our own size.
 */
export const STATEMENT_BYTES_MARGIN = 1024;
/** What we allow ourselves: the hard limit minus the margin (261,120 bytes). */
export const DEFAULT_MAX_STATEMENT_BYTES = ATHENA_MAX_QUERY_BYTES - STATEMENT_BYTES_MARGIN;
/**
 * No cap by default: Athena documents no per-statement partition limit (Glue's 100-per-call
 * BatchCreatePartition limit is Athena's to batch), so bytes decide. `maxPartitionsPerStatement`
 * can still set one for users who want smaller statements.
 */
export const DEFAULT_MAX_PARTITIONS_PER_STATEMENT = Number.POSITIVE_INFINITY;

/** One partition: a value for every path component, and its S3 folder. */
export interface PartitionSpec {
  readonly account: string;
  readonly region: string;
  readonly year: string;
  readonly month: string;
  readonly day: string;
  readonly location: string;
}

export interface Statement {
  /** 0-based position in the run. */
  readonly index: number;
  readonly sql: string;
  readonly bytes: number;
  readonly partitions: readonly PartitionSpec[];
}

export interface PackLimits {
  readonly maxStatementBytes: number;
  readonly maxPartitionsPerStatement: number;
}

/**
 * A SQL string literal. Callers validate values with allow-lists first; escaping here is
 * the second wall: a quote or backslash can never end the literal early.
 */
export function sqlString(value: string): string {
  // Fast path: validated values hold neither character, and this runs a million times a plan.
  if (!value.includes("'") && !value.includes('\\')) return `'${value}'`;
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/** A backquoted identifier; a backquote inside is doubled, as Hive reads it. */
export function sqlIdentifier(name: string): string {
  return `\`${name.replace(/`/g, '``')}\``;
}

export function renderHeader(database: string, table: string): string {
  return `ALTER TABLE ${sqlIdentifier(database)}.${sqlIdentifier(table)} ADD IF NOT EXISTS`;
}

/** A rendered clause and its UTF-8 size, counted from its pieces. */
interface ClauseWriter {
  (partition: PartitionSpec): string;
  /** UTF-8 bytes of the clause last returned. */
  bytes: number;
}

/**
 * Builds a clause renderer for a scheme. Partitions come account by account, region by
 * region, day by day, so a clause shares its leading values with the one before: the text
 * (and byte count) up to the first value that changed is reused, and each value's literal is
 * memoized with its size. Only the changed values and the location are rendered and counted.
 */
function clauseWriter(scheme: PartitionScheme): ClauseWriter {
  const fields = scheme.columns;
  const names = fields.map((field, i) => `${i === 0 ? '' : ', '}${sqlIdentifier(field)} = `);
  const nameBytes = names.map((name) => Buffer.byteLength(name));
  const memo = new Map<string, { readonly text: string; readonly bytes: number }>();
  const literal = (value: string): { readonly text: string; readonly bytes: number } => {
    let quoted = memo.get(value);
    if (quoted === undefined) {
      const text = sqlString(value);
      quoted = { text, bytes: Buffer.byteLength(text) };
      if (memo.size < 100_000) memo.set(value, quoted);
    }
    return quoted;
  };
  const open = '\n  PARTITION (';
  const openBytes = Buffer.byteLength(open);
  const tail = ') LOCATION ';
  const tailBytes = Buffer.byteLength(tail);
  const previous: (string | undefined)[] = fields.map(() => undefined);
  const prefix: string[] = fields.map(() => '');
  const prefixBytes: number[] = fields.map(() => 0);
  const write = ((partition: PartitionSpec): string => {
    let i = 0;
    while (i < fields.length && partition[fields[i]] === previous[i]) i++;
    let text = i === 0 ? open : prefix[i - 1];
    let bytes = i === 0 ? openBytes : prefixBytes[i - 1];
    for (; i < fields.length; i++) {
      const value = partition[fields[i]];
      const quoted = literal(value);
      text += names[i] + quoted.text;
      bytes += nameBytes[i] + quoted.bytes;
      previous[i] = value;
      prefix[i] = text;
      prefixBytes[i] = bytes;
    }
    const location = sqlString(partition.location);
    write.bytes = bytes + tailBytes + Buffer.byteLength(location);
    return text + tail + location;
  }) as ClauseWriter;
  write.bytes = 0;
  return write;
}

/** Builds a clause renderer for a scheme (see clauseWriter for what it reuses). */
export function clauseRenderer(scheme: PartitionScheme): (partition: PartitionSpec) => string {
  return clauseWriter(scheme);
}

export function renderClause(scheme: PartitionScheme, partition: PartitionSpec): string {
  return clauseRenderer(scheme)(partition);
}

export class PackError extends Error {
  override readonly name = 'PackError';
}

/** Packs partitions into statements, lazily. Each statement holds at least one partition. */
export function* packStatements(
  partitions: Iterable<PartitionSpec>,
  scheme: PartitionScheme,
  target: { readonly database: string; readonly table: string },
  limits: PackLimits,
): Generator<Statement> {
  const header = renderHeader(target.database, target.table);
  const headerBytes = Buffer.byteLength(header);
  let clauses: string[] = [];
  let batch: PartitionSpec[] = [];
  let bytes = headerBytes;
  let index = 0;
  const flush = (): Statement => {
    const statement = { index: index++, sql: header + clauses.join(''), bytes, partitions: batch };
    clauses = [];
    batch = [];
    bytes = headerBytes;
    return statement;
  };
  const render = clauseWriter(scheme);
  for (const partition of partitions) {
    const clause = render(partition);
    const clauseBytes = render.bytes;
    if (headerBytes + clauseBytes > limits.maxStatementBytes) {
      throw new PackError(
        `partition ${partition.location} does not fit in ${limits.maxStatementBytes} bytes`,
      );
    }
    if (
      batch.length > 0 &&
      (bytes + clauseBytes > limits.maxStatementBytes || batch.length >= limits.maxPartitionsPerStatement)
    ) {
      yield flush();
    }
    clauses.push(clause);
    batch.push(partition);
    bytes += clauseBytes;
  }
  if (batch.length > 0) yield flush();
}
