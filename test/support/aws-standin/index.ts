/**
 * A local stand-in for S3 (ListObjectsV2), Glue (GetTable) and Athena (DDL queries) that
 * real SDK v3 clients talk to over HTTP, with Athena's quotas, simulated time, stats and
 * fault injection. Used by the adapter tests, the fault-injection suite and the benchmark.
 *
 *   const standIn = await startStandIn({ timeScale: 0.01 });
 *   const athena = new AthenaClient({ ...standIn.clientConfig, maxAttempts: 1 });
 *   const s3 = new S3Client({ ...standIn.clientConfig, forcePathStyle: true });
 *   ...
 *   await standIn.close();
 */
export { startStandIn, STANDIN_CREDENTIALS, type StandIn, type StandInOptions } from './server';
export {
  ATHENA_RATES,
  DEFAULT_QUOTAS,
  GLUE_RATES,
  type Operation,
  type QuotaOptions,
  type RateLimit,
  type SimClock,
  type StandInStats,
} from './quota-model';
export type {
  AthenaErrorCode,
  AthenaOperation,
  Faults,
  GlueErrorCode,
  GlueOperation,
  QueryOutcome,
  S3ErrorCode,
  SqlMatcher,
} from './faults';
export type { CatalogPartition, PartitionKeyDef, TableExtras } from './glue';
export type { BucketOptions } from './s3';
export type { QueryInfo, QueryStateName } from './athena';
export { parseAddPartitions, DdlParseError, type AddPartitionsDdl } from './ddl-parser';
export { AthenaSelectSim, type SelectResponse, type SelectQuery } from './athena-select';
