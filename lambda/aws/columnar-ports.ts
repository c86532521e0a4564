/** The columnar pass's own ports over SDK clients: the copy's Glue table and the trail bucket's sizes. */
import type { ColumnarPorts } from '../core/run/columnar-run';
import type { Settings } from '../core/run/settings';
import type { Clock } from '../core/shared/ports';
import { createGlueClient, createS3Client } from './clients';
import { GlueCopyTable } from './glue-copy-table';
import { S3Sizes } from './s3-sizes';

/** Pages of 1,000 keys listed per day folder at most: a day folder of a busy region holds a few thousand. */
const MAX_SIZE_CALLS = 1000;

export function awsColumnarPorts(settings: Settings, clock: Clock): Pick<ColumnarPorts, 'copy' | 'sizes'> {
  const sizes = new S3Sizes(createS3Client(), settings.layout.bucket);
  return {
    copy: new GlueCopyTable(createGlueClient(), clock),
    sizes: { prefixBytes: async (prefix) => (await sizes.prefixSize(prefix, MAX_SIZE_CALLS)).bytes },
  };
}
