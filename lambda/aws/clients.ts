/**
 * SDK client factories and the error facts the adapters classify on.
 *
 * Region, credentials and endpoints come from the standard SDK sources (AWS_REGION,
 * AWS_ENDPOINT_URL, AWS_ENDPOINT_URL_S3/_ATHENA/_GLUE, shared config), which SDK v3
 * resolves by itself; these factories only add retry and S3 addressing defaults.
 * Explicit `config` wins over everything.
 */
import { AthenaClient, type AthenaClientConfig } from '@aws-sdk/client-athena';
import { GlueClient, type GlueClientConfig } from '@aws-sdk/client-glue';
import { S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';

/**
 * Attempts per call, first try included. Athena gets fewer: the core's scheduler owns
 * Athena throttling (it narrows concurrency and backs off in its own clock), so a
 * throttle should reach it within seconds rather than after half a minute of SDK backoff.
 */
export const MAX_ATTEMPTS = { s3: 5, glue: 5, athena: 3 } as const;

/**
 * Adaptive mode adds client-side rate limiting after throttles, which suits a burst of
 * Athena starts. AWS_RETRY_MODE / AWS_MAX_ATTEMPTS, when set, are left to the SDK so an
 * operator (or a test) can change retries without a deploy.
 */
function retryDefaults(maxAttempts: number): { retryMode?: string; maxAttempts?: number } {
  return {
    ...(process.env.AWS_RETRY_MODE ? {} : { retryMode: 'adaptive' }),
    ...(process.env.AWS_MAX_ATTEMPTS ? {} : { maxAttempts }),
  };
}

/** True when a custom S3 endpoint is configured by the environment (a local stand-in or fake). */
function envS3EndpointConfigured(): boolean {
  if (/^true$/i.test(process.env.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS ?? '')) return false;
  return Boolean(process.env.AWS_ENDPOINT_URL_S3 || process.env.AWS_ENDPOINT_URL);
}

export function createS3Client(config: S3ClientConfig = {}): S3Client {
  // A custom endpoint such as http://localhost:4566 would otherwise get virtual-hosted
  // requests to <bucket>.localhost, which does not resolve; real S3 keeps virtual hosting.
  const pathStyle = config.endpoint !== undefined || envS3EndpointConfigured();
  return new S3Client({
    ...retryDefaults(MAX_ATTEMPTS.s3),
    // The trail bucket may live in another region than the Lambda: on a 301 the SDK
    // retries the call once, signed for the region S3 names in x-amz-bucket-region.
    followRegionRedirects: true,
    ...(pathStyle ? { forcePathStyle: true } : {}),
    ...config,
  });
}

export function createAthenaClient(config: AthenaClientConfig = {}): AthenaClient {
  return new AthenaClient({ ...retryDefaults(MAX_ATTEMPTS.athena), ...config });
}

export function createGlueClient(config: GlueClientConfig = {}): GlueClient {
  return new GlueClient({ ...retryDefaults(MAX_ATTEMPTS.glue), ...config });
}

/** What the adapters need to know about an SDK (or network) error to classify it. */
export interface SdkErrorInfo {
  /** Service error code (`name` of the SDK exception), or the Node error code for network errors. */
  readonly code: string;
  readonly status?: number;
  readonly message: string;
}

const NETWORK_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'EAI_AGAIN', 'ENOTFOUND']);

export function sdkErrorInfo(error: unknown): SdkErrorInfo {
  const e = (typeof error === 'object' && error !== null ? error : {}) as {
    name?: unknown;
    code?: unknown;
    message?: unknown;
    $metadata?: { httpStatusCode?: unknown };
  };
  const nodeCode = typeof e.code === 'string' && NETWORK_CODES.has(e.code) ? e.code : undefined;
  const status = e.$metadata?.httpStatusCode;
  return {
    code: nodeCode ?? (typeof e.name === 'string' ? e.name : 'UnknownError'),
    ...(typeof status === 'number' ? { status } : {}),
    message: typeof e.message === 'string' && e.message !== '' ? e.message : String(error),
  };
}

/** Errors worth retrying later: server faults, timeouts and dropped connections (after the SDK's own retries). */
export function isTransientFault(info: SdkErrorInfo): boolean {
  return (
    (info.status !== undefined && info.status >= 500) ||
    NETWORK_CODES.has(info.code) ||
    info.code === 'TimeoutError' ||
    info.code === 'RequestTimeout' ||
    info.code === 'RequestTimeoutException'
  );
}
