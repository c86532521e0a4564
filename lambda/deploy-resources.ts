/**
 * The stack's deploy-time custom resources (lib/deploy-resources.ts builds them): the Glue
 * partition index and the start of the initial backfill. Unlike AwsCustomResource, every call is
 * retried while IAM or Lake Formation still refuses it (a policy or grant created moments before,
 * IAM being eventually consistent) for a stated bound, `DEPLOY_ACCESS_RETRY`: 150 s.
 *
 * CloudFormation invokes this function directly and waits for the answer at the request's
 * ResponseURL; the handler always answers, SUCCESS or FAILED with the reason, and never throws.
 * Every wait is also capped by one deadline, {@link ANSWER_MARGIN_MS} before Lambda's timeout, so
 * the answer is always sent: a function killed mid-wait leaves CloudFormation waiting until the
 * resource's service timeout (20 min), and a rollback's Delete then ends in DELETE_FAILED.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import {
  awsDeployPorts,
  type CfnEvent,
  type CfnResponse,
  type DeployPorts,
  putCfnResponse,
} from './aws/deploy-ports';

import type { Context } from 'aws-lambda';
import {
  FAILED_CREATE_PREFIX,
  indexKeysFor,
  indexPhysicalId,
  indexToDelete,
  isFailedCreate,
  planIndex,
} from './core/catalog/index-plan';
import type { AccessRetryOptions } from './core/shared/access-retry';
import { DEPLOY_RESOURCE } from './core/shared/contract';
import { systemClock, type Clock } from './core/shared/ports';
import { DeadlineReachedError, whileBusy, withAccess, type WaitDeps } from './deploy-waits';

export { INDEX_BUSY_WAIT } from './deploy-waits';

/** Time kept, before Lambda's timeout, for the last call in flight and the answer's PUT (3 tries). */
export const ANSWER_MARGIN_MS = 60_000;

export interface DeployDeps {
  readonly ports: DeployPorts;
  readonly clock: Clock;
  readonly respond: (url: string, response: CfnResponse) => Promise<void>;
  readonly logger: Pick<Logger, 'info' | 'warn' | 'error'>;
  readonly accessRetry?: AccessRetryOptions;
}

/** One request's dependencies and its deadline (epoch ms on `clock`). */
type Request = DeployDeps & WaitDeps;

interface Outcome {
  readonly physicalId: string;
  readonly data: Record<string, string>;
}

export function createDeployHandler(
  deps: DeployDeps,
): (event: CfnEvent, context: Pick<Context, 'getRemainingTimeInMillis'>) => Promise<void> {
  return async (event, context) => {
    const deadlineMs = deps.clock.now() + context.getRemainingTimeInMillis() - ANSWER_MARGIN_MS;
    let response: CfnResponse;
    const base = {
      StackId: event.StackId,
      RequestId: event.RequestId,
      LogicalResourceId: event.LogicalResourceId,
    };
    try {
      const outcome = await handle(event, { ...deps, deadlineMs });
      response = { ...base, Status: 'SUCCESS', PhysicalResourceId: outcome.physicalId, Data: outcome.data };
      deps.logger.info('deploy resource done', { request: event.RequestType, ...outcome });
    } catch (error) {
      const message = (error as Error).message ?? String(error);
      deps.logger.error('deploy resource failed', { request: event.RequestType, error: message });
      response = {
        ...base,
        Status: 'FAILED',
        // CloudFormation shows the reason in the stack events; its whole answer is limited to 4 KB.
        Reason: message.slice(0, 1000),
        PhysicalResourceId: event.PhysicalResourceId ?? `${FAILED_CREATE_PREFIX}${event.RequestId}`,
      };
    }
    await deps.respond(event.ResponseURL, response);
  };
}

async function handle(event: CfnEvent, deps: Request): Promise<Outcome> {
  // A Create that failed made nothing: its rollback's Delete has nothing to remove, and a call
  // would meet the same refusal (a KMS key, Lake Formation) and fail the rollback.
  if (event.RequestType !== 'Create' && isFailedCreate(event.PhysicalResourceId)) {
    deps.logger.info('nothing to do: the resource was never created', { request: event.RequestType });
    return { physicalId: event.PhysicalResourceId ?? 'none', data: {} };
  }
  const kind = event.ResourceProperties.Kind;
  if (kind === DEPLOY_RESOURCE.partitionIndex) return partitionIndex(event, deps);
  if (kind === DEPLOY_RESOURCE.initialBackfill) return initialBackfill(event, deps);
  // A resource of a kind this handler does not know is nothing it ever created: let a delete pass.
  if (event.RequestType === 'Delete') return { physicalId: event.PhysicalResourceId ?? 'none', data: {} };
  throw new Error(
    `unknown deploy resource Kind ${JSON.stringify(kind)}: expected one of ${Object.values(DEPLOY_RESOURCE).join(', ')}`,
  );
}

function string(event: CfnEvent, name: string): string {
  const value = event.ResourceProperties[name];
  if (typeof value !== 'string' || value === '')
    throw new Error(`property ${name} is ${JSON.stringify(value)}: expected a non-empty string`);
  return value;
}

async function initialBackfill(event: CfnEvent, deps: Request): Promise<Outcome> {
  // Only a stack's creation starts it; an update or a delete leaves the execution alone.
  if (event.RequestType !== 'Create') return { physicalId: event.PhysicalResourceId ?? 'none', data: {} };
  const arn = string(event, 'StateMachineArn');
  const input = string(event, 'Input');
  // The request's ID names the execution: a repeated request starts nothing twice.
  const name = `initial-backfill-${event.RequestId}`.replace(/[^A-Za-z0-9_-]/g, '-').slice(0, 80);
  const executionArn = await withAccess(deps, 'states:StartExecution', () =>
    deps.ports.startExecution(arn, name, input),
  );
  return { physicalId: executionArn, data: { ExecutionArn: executionArn } };
}

async function partitionIndex(event: CfnEvent, deps: Request): Promise<Outcome> {
  const database = string(event, 'DatabaseName');
  const table = string(event, 'TableName');
  if (event.RequestType === 'Delete') return deleteIndex(event, database, table, deps);
  const given = event.ResourceProperties.Keys;
  const keys = Array.isArray(given)
    ? given.map(String)
    : indexKeysFor(await withAccess(deps, 'glue:GetTable', () => deps.ports.tableKeys(database, table)));
  const indexesOf = () => deps.ports.indexes(database, table);
  const existing = await withAccess(deps, 'glue:GetPartitionIndexes', indexesOf);
  const plan = planIndex(existing, keys);
  const previous = indexToDelete(event.PhysicalResourceId);
  if (plan.action === 'skip') {
    deps.logger.warn('partition index not created', { database, table, reason: plan.reason });
    return {
      physicalId: indexPhysicalId(plan),
      data: { IndexName: '', Outcome: `not created: ${plan.reason}` },
    };
  }
  if (plan.action === 'adopt') {
    // An index this resource created before stays its own: a later delete still removes it.
    const physicalId = previous === plan.name ? previous : indexPhysicalId(plan);
    return { physicalId, data: { IndexName: plan.name, Outcome: `kept (${plan.status})` } };
  }
  await whileBusy(deps, indexesOf, async () => {
    try {
      await withAccess(deps, 'glue:CreatePartitionIndex', () =>
        deps.ports.createIndex(database, table, plan.name, plan.keys),
      );
    } catch (error) {
      // Made meanwhile by someone else (a retried request): the index is there, which is the point.
      if ((error as Error).name !== 'AlreadyExistsException') throw error;
    }
  });
  return { physicalId: indexPhysicalId(plan), data: { IndexName: plan.name, Outcome: 'created' } };
}

/**
 * Deletes an index this resource created; leaves alone one it adopted. A rollback can come while
 * the index is still CREATING (Glue refuses to delete it then): wait for the table to be idle, up
 * to `INDEX_BUSY_WAIT`, then delete. Past the bound or the invocation's deadline the rollback
 * goes on and the log says which index is left and how to remove it; the scheduled run's index
 * check shows it.
 */
async function deleteIndex(
  event: CfnEvent,
  database: string,
  table: string,
  deps: Request,
): Promise<Outcome> {
  const physicalId = event.PhysicalResourceId ?? 'none';
  const name = indexToDelete(event.PhysicalResourceId);
  if (!name) return { physicalId, data: {} };
  try {
    await whileBusy(
      deps,
      () => deps.ports.indexes(database, table),
      () =>
        withAccess(deps, 'glue:DeletePartitionIndex', () => deps.ports.deleteIndex(database, table, name)),
    );
  } catch (error) {
    const code = (error as Error).name;
    // Gone already, with its table or by hand.
    if (code === 'EntityNotFoundException') return { physicalId, data: {} };
    if (code !== 'ConflictException' && !(error instanceof DeadlineReachedError)) throw error;
    // Failing the delete would leave the stack in DELETE_FAILED / ROLLBACK_FAILED for the index.
    const why = code === 'ConflictException' ? 'the table stayed busy' : 'the invocation ran out of time';
    deps.logger.warn(`partition index left in place: ${why}`, {
      database,
      table,
      index: name,
      reason: (error as Error).message,
      remove: `aws glue delete-partition-index --database-name ${database} --table-name ${table} --index-name ${name}`,
    });
  }
  return { physicalId, data: {} };
}

let coldStart: ReturnType<typeof createDeployHandler> | undefined;

/** The Lambda entry point. */
export const handler = (event: CfnEvent, context: Pick<Context, 'getRemainingTimeInMillis'>): Promise<void> =>
  (coldStart ??= createDeployHandler({
    ports: awsDeployPorts(),
    clock: systemClock,
    respond: putCfnResponse,
    logger: new Logger(),
  }))(event, context);
