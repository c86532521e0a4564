/**
 * Which Lake Formation permission each catalog call of this project needs, per the Lake Formation
 * permissions reference (https://docs.aws.amazon.com/lake-formation/latest/dg/lf-permissions-reference.html)
 * and its personas page (https://docs.aws.amazon.com/lake-formation/latest/dg/permissions-reference.html).
 * The stack's grants (lib/lake-formation-grants.ts), the access-denied hint and docs/deploy.md all
 * follow this one table. Pure.
 */
export const LAKE_FORMATION_PERMISSION_FOR: Readonly<Record<string, string>> = {
  // The function (and Athena, with the function's credentials, for its DDL).
  'glue:GetTable': 'DESCRIBE',
  'glue:GetPartitions': 'SELECT',
  'glue:BatchGetPartition': 'SELECT',
  'glue:BatchCreatePartition': 'INSERT',
  'glue:BatchDeletePartition': 'DELETE',
  'athena:ALTER TABLE ADD PARTITION': 'ALTER',
  'athena:ALTER TABLE DROP PARTITION': 'ALTER',
  // The partition index's handler.
  'glue:GetPartitionIndexes': 'DESCRIBE',
  'glue:CreatePartitionIndex': 'ALTER',
  'glue:DeletePartitionIndex': 'ALTER',
};

/** The table permissions for a set of calls, in a stable order. */
export function tablePermissionsFor(calls: readonly string[]): string[] {
  const order = ['ALTER', 'DESCRIBE', 'INSERT', 'SELECT', 'DELETE'];
  const needed = new Set(calls.map((call) => LAKE_FORMATION_PERMISSION_FOR[call]));
  return order.filter((permission) => needed.has(permission));
}

/** The catalog calls that read the table and its partitions (runs, the audit, `query`'s coverage check). */
export const READ_CALLS: readonly string[] = [
  'glue:GetTable',
  'glue:GetPartitions',
  'glue:BatchGetPartition',
];
/** The calls that add partitions (ALTER TABLE ADD PARTITION through Athena). */
export const ADD_CALLS: readonly string[] = ['glue:BatchCreatePartition', 'athena:ALTER TABLE ADD PARTITION'];
/** The calls that drop partitions (retention). */
export const DROP_CALLS: readonly string[] = [
  'glue:BatchDeletePartition',
  'athena:ALTER TABLE DROP PARTITION',
];

/** The catalog calls of the function: every run reads and adds; only retention drops. */
export function functionCalls(dropsPartitions: boolean): string[] {
  return [...READ_CALLS, ...ADD_CALLS, 'glue:GetPartitionIndexes', ...(dropsPartitions ? DROP_CALLS : [])];
}

export const INDEX_CALLS: readonly string[] = [
  'glue:GetTable',
  'glue:GetPartitionIndexes',
  'glue:CreatePartitionIndex',
  'glue:DeletePartitionIndex',
];
