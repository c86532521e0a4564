import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import {
  DescribeExecutionCommand,
  GetExecutionHistoryCommand,
  SFNClient,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { BackfillExecutions } from '../../lambda/aws/backfill-executions';

const sfnMock = mockClient(SFNClient);
const cfnMock = mockClient(CloudFormationClient);

beforeEach(() => {
  sfnMock.reset();
  cfnMock.reset();
});

describe('BackfillExecutions', () => {
  const executions = () =>
    new BackfillExecutions(
      new SFNClient({ region: 'us-east-1' }),
      new CloudFormationClient({ region: 'us-east-1' }),
    );

  it('resolves the state machine from the stack output, or says the stack has none', async () => {
    // GIVEN a stack with the output, and one without
    cfnMock
      .on(DescribeStacksCommand, { StackName: 'Good' })
      .resolves({
        Stacks: [
          {
            StackName: 'Good',
            CreationTime: new Date(),
            StackStatus: 'CREATE_COMPLETE',
            Outputs: [{ OutputKey: 'StateMachineArn', OutputValue: 'arn:sm' }],
          },
        ],
      })
      .on(DescribeStacksCommand, { StackName: 'Bare' })
      .resolves({
        Stacks: [
          { StackName: 'Bare', CreationTime: new Date(), StackStatus: 'CREATE_COMPLETE', Outputs: [] },
        ],
      });
    // WHEN / THEN
    await expect(executions().stateMachineArn('Good')).resolves.toBe('arn:sm');
    await expect(executions().stateMachineArn('Bare')).rejects.toThrow(
      /stack Bare has no StateMachineArn output/,
    );
  });

  it('starts with the JSON input and reads status and every history page', async () => {
    // GIVEN two history pages
    sfnMock.on(StartExecutionCommand).resolves({ executionArn: 'arn:exec', startDate: new Date() });
    sfnMock.on(DescribeExecutionCommand).resolves({
      status: 'RUNNING',
      executionArn: 'arn:exec',
      stateMachineArn: 'arn:sm',
      startDate: new Date(),
    });
    sfnMock
      .on(GetExecutionHistoryCommand)
      .resolvesOnce({
        events: [
          {
            id: 1,
            timestamp: new Date(),
            type: 'TaskStateExited',
            stateExitedEventDetails: { name: 'SplitWindow', output: '{}' },
          },
        ],
        nextToken: 't',
      })
      .resolvesOnce({
        events: [
          {
            id: 2,
            timestamp: new Date(),
            type: 'TaskSucceeded',
            taskSucceededEventDetails: {
              resource: 'invoke',
              resourceType: 'lambda',
              output: '{"Payload":{}}',
            },
          },
        ],
      });
    const client = executions();
    // WHEN
    const arn = await client.start('arn:sm', { from: '2024-01-01', to: '2024-01-02' });
    const status = await client.describe(arn);
    const history = await client.history(arn);
    // THEN
    expect(sfnMock.commandCalls(StartExecutionCommand)[0].args[0].input).toEqual({
      stateMachineArn: 'arn:sm',
      input: '{"from":"2024-01-01","to":"2024-01-02"}',
    });
    expect(status.status).toBe('RUNNING');
    expect(history).toEqual([
      { type: 'TaskStateExited', stateName: 'SplitWindow', output: '{}' },
      { type: 'TaskSucceeded', stateName: undefined, output: '{"Payload":{}}' },
    ]);
  });
});
