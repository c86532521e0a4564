/**
 * Wire-format helpers shared by the S3 (REST-XML) and Athena/Glue (JSON 1.1) handlers.
 * Handlers throw {@link ServiceError}; the server renders it in the right protocol.
 */
import { randomUUID } from 'node:crypto';

/** An error the stand-in answers with, in the shape the real service uses. */
export class ServiceError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** Extra members of the error body, e.g. Athena's `Reason` or S3's `Endpoint`. */
    readonly extra: Record<string, string> = {},
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = code;
  }
}

export interface WireResponse {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: string;
}

export function jsonResponse(payload: unknown): WireResponse {
  return {
    status: 200,
    headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': randomUUID() },
    body: JSON.stringify(payload),
  };
}

/** JSON 1.1 error: the SDK reads the code from `__type` (or x-amzn-errortype) and the message from `Message`. */
export function jsonError(error: ServiceError): WireResponse {
  return {
    status: error.status,
    headers: {
      'content-type': 'application/x-amz-json-1.1',
      'x-amzn-errortype': error.code,
      'x-amzn-requestid': randomUUID(),
      ...error.headers,
    },
    body: JSON.stringify({ __type: error.code, Message: error.message, ...error.extra }),
  };
}

export function xmlResponse(body: string, headers: Record<string, string> = {}): WireResponse {
  return {
    status: 200,
    headers: { 'content-type': 'application/xml', 'x-amz-request-id': requestId(), ...headers },
    body: `<?xml version="1.0" encoding="UTF-8"?>\n${body}`,
  };
}

export function xmlError(error: ServiceError): WireResponse {
  const id = requestId();
  const extra = Object.entries(error.extra)
    .map(([k, v]) => `<${k}>${xmlEscape(v)}</${k}>`)
    .join('');
  return {
    status: error.status,
    headers: { 'content-type': 'application/xml', 'x-amz-request-id': id, ...error.headers },
    body:
      `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${xmlEscape(error.code)}</Code>` +
      `<Message>${xmlEscape(error.message)}</Message>${extra}<RequestId>${id}</RequestId>` +
      `<HostId>stand-in</HostId></Error>`,
  };
}

export function xmlEscape(text: string): string {
  return text.replace(/[&<>"']/g, (c) => XML_ENTITIES[c] ?? c);
}

const XML_ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
};

function requestId(): string {
  return randomUUID().replace(/-/g, '').slice(0, 16).toUpperCase();
}

/** The region a SigV4 request was signed for (the credential scope), if it was signed. */
export function signingRegion(authorization: string | undefined): string | undefined {
  return authorization?.match(/Credential=[^/]+\/\d{8}\/([^/]+)\//)?.[1];
}

export function utf8Bytes(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}
