import type { Logger } from '@aws-lambda-powertools/logger';
import { remainingMs, withFirstRunOutcome } from '../lambda/first-run-edge';
import { FIRST_RUN } from '../lambda/core/run/first-run';
import type { CfnResponse } from '../lambda/aws/deploy-ports';
import { answerFirstRun, isFirstRunRequest } from '../lambda/first-run-resource';
import { createHandler } from '../lambda/handler';

const FIRST = {
  id: 'first-run-at-deploy',
  source: 'aws.events',
  'detail-type': 'Scheduled Event',
  detail: { deadlineSeconds: 540 },
};
const SCHEDULED = { id: 'e1', source: 'aws.events', 'detail-type': 'Scheduled Event', detail: {} };

/** The request CloudFormation sends the function for the FirstRun resource (lib/first-run.ts). */
function request(type: 'Create' | 'Update' | 'Delete') {
  return {
    RequestType: type,
    ResponseURL: 'https://cloudformation-custom-resource-response.example/r',
    StackId: 'arn:aws:cloudformation:us-east-1:111122223333:stack/s/1',
    RequestId: 'req-1',
    LogicalResourceId: 'PartitionerFirstRunRun',
    ...(type === 'Create' ? {} : { PhysicalResourceId: 'first-run' }),
    // CloudFormation passes every property as a string: the event travels as one JSON string.
    ResourceProperties: { ServiceToken: 'arn', Kind: 'FirstRun', Event: JSON.stringify(FIRST) },
  };
}

function fakeLogger() {
  const lines: { level: string; message: string; extra: Record<string, unknown> }[] = [];
  const log =
    (level: string) =>
    (message: string, extra: Record<string, unknown> = {}) =>
      lines.push({ level, message, extra });
  return {
    lines,
    logger: { info: log('info'), warn: log('warn'), error: log('error') } as unknown as Logger,
  };
}

const context = (ms = 900_000) => ({ awsRequestId: 'r', getRemainingTimeInMillis: () => ms });

describe('the first run edge', () => {
  it("ends the first run at its own deadline, and any other run at Lambda's", () => {
    // GIVEN 900 s left in Lambda and 10 s already spent
    expect(remainingMs(FIRST, context(), 0, 10_000)).toBe(530_000);
    expect(remainingMs(SCHEDULED, context(), 0, 10_000)).toBe(900_000);
    // and a function with less time than the budget keeps its own
    expect(remainingMs(FIRST, context(120_000), 0, 0)).toBe(120_000);
  });

  it('records a failed first run in one log line the dashboard shows', async () => {
    // GIVEN a run that fails
    const { lines, logger } = fakeLogger();
    const handle = withFirstRunOutcome(async () => {
      throw new Error('access denied reading table cloudtrail.cloudtrail_logs from glue');
    }, logger);
    // WHEN the first run ends THEN the failure is rethrown (the CloudFormation answer reports it) and logged
    await expect(handle(FIRST, context())).rejects.toThrow('access denied');
    expect(lines).toContainEqual({
      level: 'error',
      message: FIRST_RUN.logMessage,
      extra: { outcome: 'failed', error: 'access denied reading table cloudtrail.cloudtrail_logs from glue' },
    });
  });

  it('records success and leaves other runs alone', async () => {
    const { lines, logger } = fakeLogger();
    const handle = withFirstRunOutcome(async () => 'report', logger);
    await expect(handle(FIRST, context(20_000))).resolves.toBe('report');
    expect(lines).toContainEqual({
      level: 'info',
      message: FIRST_RUN.logMessage,
      extra: { outcome: 'succeeded' },
    });
    // a scheduled run: no outcome line
    const other = fakeLogger();
    await withFirstRunOutcome(async () => 'x', other.logger)(SCHEDULED, context());
    expect(other.lines).toEqual([]);
  });
});

describe('the first run as a CloudFormation resource', () => {
  it('answers a failed run with SUCCESS and the reason, so the deploy goes on and a person sees it', async () => {
    // GIVEN a function whose configuration is broken, so the run fails
    const answers: CfnResponse[] = [];
    const handler = createHandler({
      env: {},
      logger: fakeLogger().logger,
      respond: async (_url, response) => void answers.push(response),
    });
    // WHEN CloudFormation creates the FirstRun resource
    await expect(handler(request('Create'), context())).resolves.toBeDefined();
    // THEN it hears SUCCESS with the failure as the outcome and a 0 heartbeat datapoint
    expect(answers).toHaveLength(1);
    expect(answers[0]).toMatchObject({
      Status: 'SUCCESS',
      PhysicalResourceId: 'first-run',
      RequestId: 'req-1',
      Data: {
        [FIRST_RUN.outcomeAttribute]: expect.stringMatching(/^failed: .*TRAIL_BUCKET/),
        [FIRST_RUN.heartbeatAttribute]: '0',
      },
    });
  });

  it('runs the scheduled event it carries, once, on create only', async () => {
    // GIVEN a run that records the event it gets
    const runs: unknown[] = [];
    const answers: CfnResponse[] = [];
    const respond = async (_url: string, response: CfnResponse) => void answers.push(response);
    // WHEN the resource is created, updated and deleted
    for (const type of ['Create', 'Update', 'Delete'] as const) {
      const event = request(type);
      expect(isFirstRunRequest(event)).toBe(true);
      await answerFirstRun(event, async (e) => void runs.push(e), respond, fakeLogger().logger);
    }
    // THEN only the create ran, with the scheduled event and its numeric deadline intact
    expect(runs).toEqual([FIRST]);
    expect(answers.map((a) => a.Status)).toEqual(['SUCCESS', 'SUCCESS', 'SUCCESS']);
    expect(answers[0].Data).toEqual({
      [FIRST_RUN.outcomeAttribute]: 'succeeded',
      [FIRST_RUN.heartbeatAttribute]: '1',
    });
    expect(answers[1].Data).toEqual({});
    // AND the scheduled event itself is not mistaken for a CloudFormation request
    expect(isFirstRunRequest(FIRST)).toBe(false);
  });
});
