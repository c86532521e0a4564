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

/**
 * PUTs the answer to the pre-signed S3 URL, with an empty content type as CloudFormation's own
 * cfn-response module does (the URL's signature covers no content type). Rejects on a non-2xx.
 */
export function putCfnResponse(url: string, response: CfnResponse): Promise<void> {
  const body = JSON.stringify(response);
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
            : reject(new Error(`CloudFormation response refused: HTTP ${answer.statusCode}`)),
        );
      },
    );
    request.on('error', reject);
    request.end(body);
  });
}
