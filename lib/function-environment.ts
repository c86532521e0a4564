/**
 * Lambda's 4 KB ceiling on a function's environment, checked at synth. Past it, CreateFunction
 * fails at deploy time, after CloudFormation has already created the table and the buckets; a
 * synth error names the setting instead. The size is the bytes of every name and value, the
 * count that matches where deploys start failing (about 286 accounts with the default names).
 */
import { Token } from 'aws-cdk-lib';
import { ENV } from '../lambda/core/shared/contract';

/** Lambda's limit on the total size of a function's environment variables. */
export const MAX_ENVIRONMENT_BYTES = 4096;
/** A deploy-time value (a bucket from another construct) is counted at its longest: 63, S3's cap. */
const UNRESOLVED_VALUE_BYTES = 63;
/** `111111111111,`: what each listed account adds to ACCOUNTS. */
const BYTES_PER_ACCOUNT = 13;

/** Bytes the variables take in the CreateFunction request. */
export function environmentBytes(environment: Readonly<Record<string, string>>): number {
  return Object.entries(environment).reduce(
    (total, [name, value]) =>
      total +
      Buffer.byteLength(name, 'utf8') +
      (Token.isUnresolved(value) ? UNRESOLVED_VALUE_BYTES : Buffer.byteLength(value, 'utf8')),
    0,
  );
}

/**
 * Undefined when the environment fits; otherwise an error naming the setting that filled it.
 * Only `accounts` and `regions` grow without bound, so the message says what to do about them.
 */
export function environmentSizeError(environment: Readonly<Record<string, string>>): string | undefined {
  const bytes = environmentBytes(environment);
  if (bytes <= MAX_ENVIRONMENT_BYTES) return undefined;
  const accounts = environment[ENV.accounts] ? environment[ENV.accounts].split(',').length : 0;
  const spare = Math.floor(
    (MAX_ENVIRONMENT_BYTES - (bytes - accounts * BYTES_PER_ACCOUNT)) / BYTES_PER_ACCOUNT,
  );
  return (
    `invalid accounts: ${accounts} accounts make the function's environment ${bytes} bytes, over Lambda's ${MAX_ENVIRONMENT_BYTES}-byte limit ` +
    `(CreateFunction would fail at deploy time); list at most about ${Math.max(0, spare)}, or leave accounts unset so every run discovers the accounts from the bucket, ` +
    `and pass a subset per backfill in its payload ({"accounts":[...]}) instead`
  );
}
