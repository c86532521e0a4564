/**
 * Thin adapter: starts the daily run's hand-off execution. A name Step Functions already knows
 * (ExecutionAlreadyExists: an earlier delivery or retry of the same schedule event started it)
 * is the success it looks like: the execution exists, and its ARN follows from the name.
 */
import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import type { BackfillStartPort, HandoffInput } from '../core/run/handoff';
import { sdkErrorInfo } from './clients';

/** `arn:…:stateMachine:NAME` → `arn:…:execution:NAME:EXECUTION` (the documented ARN forms). */
export function executionArnOf(stateMachineArn: string, name: string): string {
  return `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`;
}

export class SfnBackfillStarter implements BackfillStartPort {
  constructor(private readonly sfn: SFNClient = new SFNClient({})) {}

  async startBackfill(
    stateMachineArn: string,
    name: string,
    input: HandoffInput,
  ): Promise<{ executionArn: string; alreadyStarted: boolean }> {
    try {
      const { executionArn } = await this.sfn.send(
        new StartExecutionCommand({ stateMachineArn, name, input: JSON.stringify(input) }),
      );
      return { executionArn: executionArn ?? executionArnOf(stateMachineArn, name), alreadyStarted: false };
    } catch (error) {
      if (sdkErrorInfo(error).code === 'ExecutionAlreadyExists')
        return { executionArn: executionArnOf(stateMachineArn, name), alreadyStarted: true };
      throw error;
    }
  }
}
