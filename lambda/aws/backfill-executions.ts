/**
 * Thin adapter over Step Functions and CloudFormation for the CLI's `backfill` command:
 * resolve the state machine from the stack's outputs, start an execution, read its status
 * and history. No logic beyond mapping SDK shapes to the core's.
 */
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import {
  DescribeExecutionCommand,
  type HistoryEvent as SfnEvent,
  paginateGetExecutionHistory,
  SFNClient,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import { STACK_OUTPUT } from '../core/shared/contract';
import type { HistoryEvent } from '../core/run/progress';

export interface ExecutionStatus {
  readonly status: string;
  readonly error?: string;
  readonly cause?: string;
  readonly output?: string;
}

export class BackfillExecutions {
  constructor(
    private readonly sfn: SFNClient,
    private readonly cfn: CloudFormationClient,
  ) {}

  /** The backfill state machine's ARN, from the stack's `StateMachineArn` output. */
  async stateMachineArn(stackName: string): Promise<string> {
    const { Stacks } = await this.cfn.send(new DescribeStacksCommand({ StackName: stackName }));
    const output = Stacks?.[0]?.Outputs?.find(
      (o) => o.OutputKey === STACK_OUTPUT.stateMachineArn,
    )?.OutputValue;
    if (!output)
      throw new Error(`stack ${stackName} has no ${STACK_OUTPUT.stateMachineArn} output: is it deployed?`);
    return output;
  }

  async start(stateMachineArn: string, input: object, name?: string): Promise<string> {
    const { executionArn } = await this.sfn.send(
      new StartExecutionCommand({ stateMachineArn, input: JSON.stringify(input), ...(name ? { name } : {}) }),
    );
    if (!executionArn) throw new Error('step functions returned no execution arn');
    return executionArn;
  }

  async describe(executionArn: string): Promise<ExecutionStatus> {
    const result = await this.sfn.send(new DescribeExecutionCommand({ executionArn }));
    return {
      status: result.status ?? 'UNKNOWN',
      error: result.error,
      cause: result.cause,
      output: result.output,
    };
  }

  async history(executionArn: string): Promise<HistoryEvent[]> {
    const events: HistoryEvent[] = [];
    for await (const page of paginateGetExecutionHistory(
      { client: this.sfn },
      { executionArn, maxResults: 1000 },
    )) {
      for (const event of page.events ?? []) events.push(toEvent(event));
    }
    return events;
  }
}

function toEvent(event: SfnEvent): HistoryEvent {
  return {
    type: event.type ?? '',
    stateName: event.stateEnteredEventDetails?.name ?? event.stateExitedEventDetails?.name,
    output: event.stateExitedEventDetails?.output ?? event.taskSucceededEventDetails?.output,
  };
}
