/**
 * Thin adapter over CloudFormation: a deployed stack's outputs by key, for the CLI commands
 * that take their workgroup, table and locations from the stack instead of flags.
 */
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';

/** Thrown when the stack does not exist in the region: the caller names the flags that replace it. */
export class StackNotFoundError extends Error {
  override readonly name = 'StackNotFoundError';
}

export async function readStackOutputs(
  cfn: CloudFormationClient,
  stackName: string,
): Promise<Readonly<Record<string, string>>> {
  try {
    const { Stacks } = await cfn.send(new DescribeStacksCommand({ StackName: stackName }));
    const outputs = Stacks?.[0]?.Outputs ?? [];
    return Object.fromEntries(
      outputs.flatMap((o) => (o.OutputKey && o.OutputValue ? [[o.OutputKey, o.OutputValue]] : [])),
    );
  } catch (error) {
    // CloudFormation answers a missing stack with a ValidationError "Stack with id X does not exist".
    if ((error as Error).name === 'ValidationError' && /does not exist/.test((error as Error).message))
      throw new StackNotFoundError((error as Error).message, { cause: error });
    throw error;
  }
}
