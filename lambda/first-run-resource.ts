/**
 * The function as the handler of the `FirstRun` custom resource (lib/first-run.ts): CloudFormation
 * invokes it with the request, it runs the schedule's own run once on Create, and answers at the
 * ResponseURL with the outcome. A failed run does not fail the deploy (the alarms and the
 * `FirstRunOutcome` output report it); nothing is ever thrown back to Lambda, whose async retry
 * would run it twice.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import type { CfnEvent, CfnResponse } from './aws/deploy-ports';
import { FIRST_RUN } from './core/run/first-run';

interface FirstRunRequest extends CfnEvent {
  readonly ResourceProperties: { readonly Kind?: unknown; readonly Event?: unknown };
}

/** The physical ID of the one first run. */
export const FIRST_RUN_PHYSICAL_ID = 'first-run';

export function isFirstRunRequest(event: unknown): event is FirstRunRequest {
  const e = event as Partial<FirstRunRequest> | undefined;
  return (
    typeof e?.RequestType === 'string' &&
    typeof e.ResponseURL === 'string' &&
    e.ResourceProperties?.Kind === FIRST_RUN.resourceKind
  );
}

/** The answer's data: the outcome for people, the heartbeat datapoint for the alarm. */
export function firstRunData(error: unknown): Record<string, string> {
  if (error === undefined)
    return { [FIRST_RUN.outcomeAttribute]: 'succeeded', [FIRST_RUN.heartbeatAttribute]: '1' };
  const reason = (error as Error)?.message ?? String(error);
  // A stack output holds 4,096 characters and the whole answer 4 KB: the log has the rest.
  return {
    [FIRST_RUN.outcomeAttribute]: `failed: ${reason}`.slice(0, 1000),
    [FIRST_RUN.heartbeatAttribute]: '0',
  };
}

export async function answerFirstRun(
  request: FirstRunRequest,
  run: (scheduledEvent: unknown) => Promise<unknown>,
  respond: (url: string, response: CfnResponse) => Promise<void>,
  logger: Pick<Logger, 'error'>,
): Promise<CfnResponse> {
  const base = {
    StackId: request.StackId,
    RequestId: request.RequestId,
    LogicalResourceId: request.LogicalResourceId,
    PhysicalResourceId: request.PhysicalResourceId ?? FIRST_RUN_PHYSICAL_ID,
  };
  let response: CfnResponse;
  if (request.RequestType !== 'Create') {
    // Only the stack's creation (or an upgrade that adds this resource) runs it.
    response = { ...base, Status: 'SUCCESS', Data: {} };
  } else {
    let failure: unknown;
    try {
      const event = JSON.parse(String(request.ResourceProperties.Event)) as unknown;
      await run(event);
    } catch (error) {
      failure = error ?? new Error('the run failed');
    }
    response = { ...base, Status: 'SUCCESS', Data: firstRunData(failure) };
  }
  try {
    await respond(request.ResponseURL, response);
  } catch (error) {
    // Thrown, Lambda's async retry would run the whole first run again; the PUT already retried.
    logger.error('first run: the answer to CloudFormation failed', {
      request: request.RequestType,
      status: response.Status,
      error: (error as Error)?.message ?? String(error),
    });
  }
  return response;
}
