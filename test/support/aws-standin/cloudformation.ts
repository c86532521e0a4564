/**
 * CloudFormation stand-in: DescribeStacks (AWS query protocol: a form-encoded POST, an XML
 * answer) over stacks a test declares with their outputs, for the CLI commands that read names
 * from the deployed stack. A stack not declared answers as CloudFormation does: ValidationError.
 */
import { ServiceError, xmlEscape, xmlResponse, type WireResponse } from './protocol';

export class StackStore {
  private readonly stacks = new Map<string, Readonly<Record<string, string>>>();

  putStack(name: string, outputs: Readonly<Record<string, string>>): void {
    this.stacks.set(name, outputs);
  }

  get(name: string): Readonly<Record<string, string>> | undefined {
    return this.stacks.get(name);
  }
}

/** True for a request this module answers: a form-encoded POST naming a CloudFormation action. */
export function isCloudFormation(method: string, body: string): boolean {
  return method === 'POST' && /(^|&)Action=DescribeStacks(&|$)/.test(body);
}

export function handleCloudFormation(body: string, store: StackStore): WireResponse {
  const form = new URLSearchParams(body);
  const name = form.get('StackName') ?? '';
  const outputs = store.get(name);
  if (outputs === undefined)
    throw new ServiceError(400, 'ValidationError', `Stack with id ${name} does not exist`);
  const members = Object.entries(outputs)
    .map(
      ([k, v]) =>
        `<member><OutputKey>${xmlEscape(k)}</OutputKey><OutputValue>${xmlEscape(v)}</OutputValue></member>`,
    )
    .join('');
  return xmlResponse(
    '<DescribeStacksResponse xmlns="http://cloudformation.amazonaws.com/doc/2010-05-15/"><DescribeStacksResult><Stacks><member>' +
      `<StackName>${xmlEscape(name)}</StackName><StackStatus>CREATE_COMPLETE</StackStatus>` +
      `<CreationTime>2024-01-01T00:00:00.000Z</CreationTime><Outputs>${members}</Outputs>` +
      '</member></Stacks></DescribeStacksResult><ResponseMetadata><RequestId>stand-in</RequestId></ResponseMetadata></DescribeStacksResponse>',
  );
}

/** CloudFormation's query-protocol error body (not S3's). */
export function queryError(error: ServiceError): WireResponse {
  return {
    status: error.status,
    headers: { 'content-type': 'text/xml' },
    body:
      `<ErrorResponse xmlns="http://cloudformation.amazonaws.com/doc/2010-05-15/"><Error><Type>Sender</Type>` +
      `<Code>${xmlEscape(error.code)}</Code><Message>${xmlEscape(error.message)}</Message></Error>` +
      '<RequestId>stand-in</RequestId></ErrorResponse>',
  };
}
