/**
 * The AWS calls of the deploy-time custom resources (lambda/deploy-resources.ts), and the answer
 * to CloudFormation. Thin: one SDK call each; retries and decisions live in the caller.
 */
import * as http from 'node:http';
import * as https from 'node:https';
import { CreatePartitionIndexCommand, DeletePartitionIndexCommand, GlueClient } from '@aws-sdk/client-glue';
import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import type { PartitionIndexSummary } from '../core/shared/ports';
import { createGlueClient } from './clients';
import { GlueCatalog } from './glue-catalog';

export interface DeployPorts {
  tableKeys(database: string, table: string): Promise<string[]>;
  indexes(database: string, table: string): Promise<PartitionIndexSummary[]>;
  createIndex(database: string, table: string, name: string, keys: readonly string[]): Promise<void>;
  deleteIndex(database: string, table: string, name: string): Promise<void>;
  /** StartExecution; the same name and input return the same execution (idempotent). */
  startExecution(stateMachineArn: string, name: string, input: string): Promise<string>;
}

export function awsDeployPorts(
  glue: GlueClient = createGlueClient(),
  sfn: SFNClient = new SFNClient({}),
): DeployPorts {
  const catalog = new GlueCatalog(glue);
  return {
    tableKeys: async (database, table) =>
      (await catalog.getPartitionKeys(database, table)).map((column) => column.name),
    indexes: (database, table) => catalog.getPartitionIndexes(database, table),
    createIndex: async (database, table, name, keys) => {
      await glue.send(
        new CreatePartitionIndexCommand({
          DatabaseName: database,
          TableName: table,
          PartitionIndex: { IndexName: name, Keys: [...keys] },
        }),
      );
    },
    deleteIndex: async (database, table, name) => {
      await glue.send(
        new DeletePartitionIndexCommand({ DatabaseName: database, TableName: table, IndexName: name }),
      );
    },
    startExecution: async (stateMachineArn, name, input) => {
      const output = await sfn.send(new StartExecutionCommand({ stateMachineArn, name, input }));
      return output.executionArn ?? name;
    },
  };
}

/** A custom resource request as CloudFormation sends it (the fields both our handlers read). */
export interface CfnEvent {
  readonly RequestType: 'Create' | 'Update' | 'Delete';
  readonly ResponseURL: string;
  readonly StackId: string;
  readonly RequestId: string;
  readonly LogicalResourceId: string;
  readonly PhysicalResourceId?: string;
  readonly ResourceProperties: Readonly<Record<string, unknown>>;
}

/** What CloudFormation expects at the pre-signed ResponseURL of a custom resource request. */
export interface CfnResponse {
  readonly Status: 'SUCCESS' | 'FAILED';
  readonly Reason?: string;
  readonly PhysicalResourceId: string;
  readonly StackId: string;
  readonly RequestId: string;
  readonly LogicalResourceId: string;
  readonly Data?: Record<string, string>;
}

/** Pauses between the answer's PUT attempts: 3 tries within 3 s, well inside the answer margin. */
export const CFN_RESPONSE_RETRY_PAUSES_MS: readonly number[] = [1_000, 2_000];

/** One attempt's bound: a PUT that hangs must not outlive the function. */
const CFN_RESPONSE_TIMEOUT_MS = 10_000;

/**
 * PUTs the answer to the pre-signed S3 URL, with an empty content type as CloudFormation's own
 * cfn-response module does (the URL's signature covers no content type). A network error, a
 * timeout or a 5xx/429 is retried after each of `pausesMs`: an unanswered request keeps
 * CloudFormation waiting an hour. Rejects on another 4xx (an expired URL stays expired) or
 * once the tries are spent.
 */
export async function putCfnResponse(
  url: string,
  response: CfnResponse,
  pausesMs: readonly number[] = CFN_RESPONSE_RETRY_PAUSES_MS,
  sleep: (ms: number) => Promise<void> = (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
): Promise<void> {
  const body = JSON.stringify(response);
  for (let attempt = 0; ; attempt++) {
    try {
      return await putOnce(url, body);
    } catch (error) {
      const status = (error as { status?: number }).status;
      const retryable = status === undefined || status >= 500 || status === 429;
      if (!retryable || attempt >= pausesMs.length) throw error;
      await sleep(pausesMs[attempt]);
    }
  }
}

function putOnce(url: string, body: string): Promise<void> {
  return new Promise((resolve, reject) => {
    // CloudFormation's URL is https; plain http only reaches a local test server.
    const request = (url.startsWith('http:') ? http : https).request(
      url,
      { method: 'PUT', headers: { 'content-type': '', 'content-length': Buffer.byteLength(body) } },
      (answer) => {
        answer.resume();
        answer.on('end', () =>
          (answer.statusCode ?? 0) < 300
            ? resolve()
            : reject(
                Object.assign(new Error(`CloudFormation response refused: HTTP ${answer.statusCode}`), {
                  status: answer.statusCode,
                }),
              ),
        );
      },
    );
    request.setTimeout(CFN_RESPONSE_TIMEOUT_MS, () =>
      request.destroy(new Error(`CloudFormation response: no answer in ${CFN_RESPONSE_TIMEOUT_MS / 1000} s`)),
    );
    request.on('error', reject);
    request.end(body);
  });
}
