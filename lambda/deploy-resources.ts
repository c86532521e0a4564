/**
 * The stack's deploy-time custom resources (lib/deploy-resources.ts builds them): the Glue
 * partition index and the start of the initial backfill. Unlike AwsCustomResource, every call is
 * retried while IAM or Lake Formation still refuses it (a policy or grant created moments before,
 * IAM being eventually consistent) for a stated bound, {@link DEPLOY_ACCESS_RETRY}: 150 s.
 *
 * CloudFormation invokes this function directly and waits for the answer at the request's
 * ResponseURL; the handler always answers, SUCCESS or FAILED with the reason, and never throws.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { awsDeployPorts, type CfnResponse, type DeployPorts, putCfnResponse } from './aws/deploy-ports';
import {
  indexKeysFor,
  indexPhysicalId,
  indexToDelete,
  isIndexBusy,
  planIndex,
} from './core/catalog/index-plan';
import {
  DEPLOY_ACCESS_RETRY,
  isAccessDenied,
  retryWhileDenied,
  type AccessRetryOptions,
} from './core/shared/access-retry';
import { DEPLOY_RESOURCE } from './core/shared/contract';
import { PortError, systemClock, type Clock } from './core/shared/ports';

/**
 * How long a change waits while the table's indexes are busy (Glue changes one index at a time per
 * table, and answers ConflictException meanwhile), e.g. a rollback deleting an index still CREATING.
 */
export const INDEX_BUSY_WAIT = { limitMs: 600_000, pauseMs: 15_000 } as const;

export interface CfnEvent {
  readonly RequestType: 'Create' | 'Update' | 'Delete';
  readonly ResponseURL: string;
  readonly StackId: string;
  readonly RequestId: string;
  readonly LogicalResourceId: string;
  readonly PhysicalResourceId?: string;
  readonly ResourceProperties: Readonly<Record<string, unknown>>;
}

export interface DeployDeps {
  readonly ports: DeployPorts;
  readonly clock: Clock;
  readonly respond: (url: string, response: CfnResponse) => Promise<void>;
  readonly logger: Pick<Logger, 'info' | 'warn' | 'error'>;
  readonly accessRetry?: AccessRetryOptions;
}

interface Outcome {
  readonly physicalId: string;
  readonly data: Record<string, string>;
}

/** Denied by IAM, Lake Formation or KMS, as an SDK error or as an adapter's classified PortError. */
function denied(error: unknown): boolean {
  return isAccessDenied(error) || (error instanceof PortError && error.kind === 'access-denied');
}

export function createDeployHandler(deps: DeployDeps): (event: CfnEvent) => Promise<void> {
  return async (event) => {
    let response: CfnResponse;
    const base = {
      StackId: event.StackId,
      RequestId: event.RequestId,
      LogicalResourceId: event.LogicalResourceId,
    };
    try {
      const outcome = await handle(event, deps);
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
        PhysicalResourceId: event.PhysicalResourceId ?? `failed-${event.RequestId}`,
      };
    }
    await deps.respond(event.ResponseURL, response);
  };
}

async function handle(event: CfnEvent, deps: DeployDeps): Promise<Outcome> {
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

/** Retries a call while access is denied (bounded), logging each retry. */
function withAccess<T>(deps: DeployDeps, what: string, call: () => Promise<T>): Promise<T> {
  return retryWhileDenied(
    call,
    denied,
    deps.clock,
    deps.accessRetry ?? DEPLOY_ACCESS_RETRY,
    (attempt, pauseMs, error) =>
      deps.logger.warn('access denied, retrying: IAM or Lake Formation may not have the new permission yet', {
        call: what,
        attempt,
        pauseSeconds: pauseMs / 1000,
        error: (error as Error).message,
      }),
  );
}

async function initialBackfill(event: CfnEvent, deps: DeployDeps): Promise<Outcome> {
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

async function partitionIndex(event: CfnEvent, deps: DeployDeps): Promise<Outcome> {
  const database = string(event, 'DatabaseName');
  const table = string(event, 'TableName');
  if (event.RequestType === 'Delete') return deleteIndex(event, database, table, deps);
  const given = event.ResourceProperties.Keys;
  const keys = Array.isArray(given)
    ? given.map(String)
    : indexKeysFor(await withAccess(deps, 'glue:GetTable', () => deps.ports.tableKeys(database, table)));
  const existing = await withAccess(deps, 'glue:GetPartitionIndexes', () =>
    deps.ports.indexes(database, table),
  );
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
  await whileBusy(deps, database, table, async () => {
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
 * to {@link INDEX_BUSY_WAIT}, then delete. Past the bound the rollback goes on and the log says
 * which index is left; the scheduled run's index check shows it.
 */
async function deleteIndex(
  event: CfnEvent,
  database: string,
  table: string,
  deps: DeployDeps,
): Promise<Outcome> {
  const physicalId = event.PhysicalResourceId ?? 'none';
  const name = indexToDelete(event.PhysicalResourceId);
  if (!name) return { physicalId, data: {} };
  try {
    await whileBusy(deps, database, table, () =>
      withAccess(deps, 'glue:DeletePartitionIndex', () => deps.ports.deleteIndex(database, table, name)),
    );
  } catch (error) {
    const code = (error as Error).name;
    // Gone already, with its table or by hand.
    if (code === 'EntityNotFoundException') return { physicalId, data: {} };
    if (code !== 'ConflictException') throw error;
    deps.logger.warn('partition index left in place: the table stayed busy', {
      database,
      table,
      index: name,
      waitedSeconds: INDEX_BUSY_WAIT.limitMs / 1000,
      remove: `aws glue delete-partition-index --database-name ${database} --table-name ${table} --index-name ${name}`,
    });
  }
  return { physicalId, data: {} };
}

/** Runs `change`, waiting and trying again while Glue says another index change is under way. */
async function whileBusy(
  deps: DeployDeps,
  database: string,
  table: string,
  change: () => Promise<void>,
): Promise<void> {
  const start = deps.clock.now();
  for (;;) {
    const busy = isIndexBusy(
      await withAccess(deps, 'glue:GetPartitionIndexes', () => deps.ports.indexes(database, table)),
    );
    if (!busy) {
      try {
        return await change();
      } catch (error) {
        if ((error as Error).name !== 'ConflictException') throw error;
        if (deps.clock.now() - start + INDEX_BUSY_WAIT.pauseMs > INDEX_BUSY_WAIT.limitMs) throw error;
      }
    } else if (deps.clock.now() - start + INDEX_BUSY_WAIT.pauseMs > INDEX_BUSY_WAIT.limitMs) {
      const error = new Error(
        `the table's partition indexes stayed busy for ${INDEX_BUSY_WAIT.limitMs / 1000} s`,
      );
      error.name = 'ConflictException';
      throw error;
    }
    await deps.clock.sleep(INDEX_BUSY_WAIT.pauseMs);
  }
}

let coldStart: ((event: CfnEvent) => Promise<void>) | undefined;

/** The Lambda entry point. */
export const handler = (event: CfnEvent): Promise<void> =>
  (coldStart ??= createDeployHandler({
    ports: awsDeployPorts(),
    clock: systemClock,
    respond: putCfnResponse,
    logger: new Logger(),
  }))(event);
