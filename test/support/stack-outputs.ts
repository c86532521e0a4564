/** Stand-ins for a deployed stack's outputs, as the CLI reads them (bin/cli/stack-names.ts). */
import type { StackReader } from '../../bin/cli/stack-names';
import { StackNotFoundError } from '../../lambda/aws/stack-outputs';

/** No stack deployed: CloudFormation's own words for a missing stack. */
export const noStack: StackReader = async (name) => {
  throw new StackNotFoundError(`Stack with id ${name} does not exist`);
};

/** A deployed stack with these names (outputs as lib/cloudtrail-partitioner-stack.ts writes them). */
export function deployedStack(outputs: {
  workgroup: string;
  database?: string;
  table?: string;
  partitionKeys?: string;
  tableLocation?: string;
}): StackReader & { reads: string[] } {
  const reads: string[] = [];
  const reader = async (name: string) => {
    reads.push(name);
    return {
      WorkGroupName: outputs.workgroup,
      TableName: `${outputs.database ?? 'cloudtrail'}.${outputs.table ?? 'cloudtrail_logs'}`,
      ...(outputs.partitionKeys ? { PartitionKeys: outputs.partitionKeys } : {}),
      ...(outputs.tableLocation ? { TableLocation: outputs.tableLocation } : {}),
    };
  };
  return Object.assign(reader, { reads });
}
