/**
 * Renders expired partitions into `ALTER TABLE … DROP IF EXISTS PARTITION (…), PARTITION (…)`
 * statements (Athena's documented form: comma-separated full specs, no LOCATION) and packs them
 * by the same byte budget and partition cap as the adds. Every spec names every key: Athena
 * takes no filter or partial spec, so a drop can never reach a partition it did not name.
 */
import {
  PackError,
  type PackLimits,
  type PartitionSpec,
  sqlIdentifier,
  sqlString,
  type Statement,
} from './ddl';
import type { PartitionScheme } from './scheme';

export function renderDropHeader(database: string, table: string): string {
  return `ALTER TABLE ${sqlIdentifier(database)}.${sqlIdentifier(table)} DROP IF EXISTS`;
}

/** `PARTITION (`account` = '…', …)`: the spec alone, as the DROP form takes it. */
export function dropSpecRenderer(scheme: PartitionScheme): (partition: PartitionSpec) => string {
  const names = scheme.columns.map((field) => `${sqlIdentifier(field)} = `);
  const fields = scheme.columns;
  return (partition) =>
    `PARTITION (${fields.map((field, i) => names[i] + sqlString(partition[field])).join(', ')})`;
}

/** Packs drops into statements, lazily; each holds at least one partition. */
export function* packDropStatements(
  partitions: Iterable<PartitionSpec>,
  scheme: PartitionScheme,
  target: { readonly database: string; readonly table: string },
  limits: PackLimits,
): Generator<Statement> {
  const header = renderDropHeader(target.database, target.table);
  const headerBytes = Buffer.byteLength(header);
  const render = dropSpecRenderer(scheme);
  let specs: string[] = [];
  let batch: PartitionSpec[] = [];
  let bytes = headerBytes;
  let index = 0;
  const flush = (): Statement => {
    const statement = {
      index: index++,
      sql: `${header}\n  ${specs.join(',\n  ')}`,
      bytes,
      partitions: batch,
    };
    specs = [];
    batch = [];
    bytes = headerBytes;
    return statement;
  };
  for (const partition of partitions) {
    const spec = render(partition);
    // "\n  " goes before the first spec and ",\n  " before each other one.
    const specBytes = Buffer.byteLength(spec);
    if (headerBytes + 3 + specBytes > limits.maxStatementBytes) {
      throw new PackError(`partition ${spec} does not fit in ${limits.maxStatementBytes} bytes`);
    }
    if (
      batch.length > 0 &&
      (bytes + 4 + specBytes > limits.maxStatementBytes || batch.length >= limits.maxPartitionsPerStatement)
    ) {
      yield flush();
    }
    bytes += (batch.length === 0 ? 3 : 4) + specBytes;
    specs.push(spec);
    batch.push(partition);
  }
  if (batch.length > 0) yield flush();
}
