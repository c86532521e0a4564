/**
 * The deployed stack supplies the names: without `--workgroup`, `query`, `run` and
 * `audit --repair` read the workgroup, database, table, partition keys and the table's S3
 * location from the stack's outputs (as `backfill` reads its state machine), and say so.
 */
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { readStackOutputs, StackNotFoundError } from '../../lambda/aws/stack-outputs';
import { STACK_OUTPUT } from '../../lambda/core/shared/contract';
import { UsageError } from './options';

export interface StackNames {
  readonly stackName: string;
  readonly workgroup: string;
  readonly database: string;
  readonly table: string;
  /** `account,region,year,month,day`; absent from stacks deployed before the output existed. */
  readonly partitionKeys?: string;
  /** `s3://bucket/prefix/AWSLogs/`. */
  readonly tableLocation?: string;
  /** The columnar copy's table name (output `ColumnarTableName`), when the stack keeps one. */
  readonly columnarTable?: string;
}

/** Reads a stack's outputs; tests pass their own. */
export type StackReader = (stackName: string) => Promise<Readonly<Record<string, string>>>;

export interface StackIo {
  readonly stderr: (text: string) => void;
  readonly stackOutputs?: StackReader;
}

const defaultReader: StackReader = async (stackName) => {
  const cfn = new CloudFormationClient({});
  try {
    return await readStackOutputs(cfn, stackName);
  } finally {
    cfn.destroy();
  }
};

/** The names in the stack's outputs, or a usage error naming `--stack` and `--workgroup`. */
export async function readStackNames(stackName: string, io: StackIo, needs: string): Promise<StackNames> {
  let outputs: Readonly<Record<string, string>>;
  try {
    outputs = await (io.stackOutputs ?? defaultReader)(stackName);
  } catch (error) {
    if (!(error instanceof StackNotFoundError)) throw error;
    throw new UsageError(
      `missing --workgroup: ${needs}, and stack ${stackName} was not found in this region (${error.message}); ` +
        'give --stack NAME for the deployed stack, or --workgroup NAME (with --database, --table and --partition-keys when not the defaults)',
    );
  }
  const workgroup = outputs[STACK_OUTPUT.workGroupName];
  const [database, table] = (outputs[STACK_OUTPUT.tableName] ?? '').split('.');
  if (!workgroup || !database || !table) {
    throw new UsageError(
      `missing --workgroup: ${needs}, and stack ${stackName} has no ${STACK_OUTPUT.workGroupName} and ${STACK_OUTPUT.tableName} outputs; ` +
        'give --stack NAME for a CloudTrailPartitioner stack, or --workgroup NAME',
    );
  }
  const partitionKeys = outputs[STACK_OUTPUT.partitionKeys];
  const tableLocation = outputs[STACK_OUTPUT.tableLocation];
  // `database.table` (as TableName) or a bare name; the copy is in the raw table's database.
  const columnarTable = outputs[STACK_OUTPUT.columnarTableName]?.split('.').at(-1);
  return {
    stackName,
    workgroup,
    database,
    table,
    ...(partitionKeys ? { partitionKeys } : {}),
    ...(tableLocation ? { tableLocation } : {}),
    ...(columnarTable ? { columnarTable } : {}),
  };
}

/** The one stderr line saying where the names came from. */
export function describeNames(names: StackNames, used: readonly string[]): string {
  return `using ${used.join(', ')} from stack ${names.stackName} (--workgroup to choose another)\n`;
}

/**
 * Settings for a command that runs statements: the given workgroup, or the stack's workgroup
 * with its database and table where those were not given.
 */
export async function withStackNames<S extends { workgroup?: string; database: string; table: string }>(
  settings: S,
  stackName: string,
  given: { readonly database: boolean; readonly table: boolean },
  io: StackIo,
  needs: string,
): Promise<S & { workgroup: string }> {
  if (settings.workgroup !== undefined) return { ...settings, workgroup: settings.workgroup };
  const names = await readStackNames(stackName, io, needs);
  const database = given.database ? settings.database : names.database;
  const table = given.table ? settings.table : names.table;
  io.stderr(describeNames(names, [`workgroup ${names.workgroup}`, `table ${database}.${table}`]));
  return { ...settings, workgroup: names.workgroup, database, table };
}
