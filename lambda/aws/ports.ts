/**
 * The core's ports over real SDK clients, wired once for both edges (the Lambda handler and
 * the CLI). Clients come from the factories, so region, credentials and endpoints follow the
 * standard SDK configuration.
 */
import type { Settings } from '../core/run/settings';
import type { Clock } from '../core/shared/ports';
import type { RunLogger, RunPorts } from '../core/run/run';
import { AthenaQueries } from './athena-port';
import { createAthenaClient, createGlueClient, createS3Client } from './clients';
import { GlueCatalog } from './glue-catalog';
import { GluePartitionValues } from './glue-partition-values';
import { S3Lifecycle } from './s3-lifecycle';
import { S3Listing } from './s3-listing';
import { SfnBackfillStarter } from './sfn-handoff';

export function awsPorts(
  settings: Settings & { readonly workgroup: string },
  clock: Clock,
  logger?: RunLogger,
): RunPorts {
  const s3 = createS3Client();
  const glue = createGlueClient();
  return {
    s3: new S3Listing(s3, settings.layout.bucket),
    catalog: new GlueCatalog(glue),
    partitions: new GluePartitionValues(glue),
    lifecycle: new S3Lifecycle(s3, settings.layout.bucket),
    athena: new AthenaQueries(createAthenaClient(), {
      workGroup: settings.workgroup,
      database: settings.database,
    }),
    backfill: new SfnBackfillStarter(),
    clock,
    ...(logger ? { logger } : {}),
  };
}
