/**
 * Reads the partitions an expression selects: split into Glue `Segment`s read in parallel, each
 * followed page by page, with a bound on calls in flight so the read stays within Glue's API
 * rates however large the organization. Throttles and timeouts are retried on the injected clock.
 */
import { mapLimit } from '../shared/concurrency';
import type { CatalogPartitionEntry, CatalogPort, Clock } from '../shared/ports';
import { retrying } from '../submit/retry';

/** Glue's maximum page size. */
export const PAGE_SIZE = 1000;
/** Glue allows 1 to 10 segments. */
export const MAX_SEGMENTS = 10;
/** Pages one segment should hold before another segment pays off. */
const PAGES_PER_SEGMENT = 10;
/**
 * Calls started per second, across segments. Glue documents no GetPartitions rate (it throttles
 * per account and region); 8 a second stays under a conservative 10, whatever the latency.
 */
export const DEFAULT_CALLS_PER_SECOND = 8;

export interface CatalogReadOptions {
  readonly database: string;
  readonly table: string;
  readonly expression: string;
  /** Partitions the read is expected to return (from discovery): sizes the segments. */
  readonly expectedPartitions: number;
  /** GetPartitions calls in flight at once. @default 4 */
  readonly concurrency?: number;
  /** GetPartitions calls started per second, at most. @default 8 */
  readonly callsPerSecond?: number;
  readonly clock: Clock;
}

export interface CatalogRead {
  readonly partitions: CatalogPartitionEntry[];
  /** GetPartitions calls that returned a page (retries not counted). */
  readonly calls: number;
  readonly segments: number;
}

/** Segments for an expected size: one per PAGES_PER_SEGMENT pages, 1 to 10. */
export function segmentCount(expectedPartitions: number): number {
  return Math.min(MAX_SEGMENTS, Math.max(1, Math.ceil(expectedPartitions / (PAGE_SIZE * PAGES_PER_SEGMENT))));
}

export async function readCatalog(port: CatalogPort, options: CatalogReadOptions): Promise<CatalogRead> {
  const page = port.getPartitionsPage?.bind(port);
  if (!page) throw new Error('this catalog port cannot read partitions (GetPartitions)');
  const total = segmentCount(options.expectedPartitions);
  let calls = 0;
  const interval = 1000 / (options.callsPerSecond ?? DEFAULT_CALLS_PER_SECOND);
  let nextAt = options.clock.now();
  // Spaces call starts evenly: the rate holds however fast Glue answers.
  const pace = async (): Promise<void> => {
    const now = options.clock.now();
    const at = Math.max(now, nextAt);
    nextAt = at + interval;
    if (at > now) await options.clock.sleep(at - now);
  };
  const segments = Array.from({ length: total }, (_, number) => number);
  // Segments run in parallel up to the bound; each segment's pages are sequential by nature.
  const results = await mapLimit(segments, Math.min(total, options.concurrency ?? 4), async (number) => {
    const found: CatalogPartitionEntry[] = [];
    let nextToken: string | undefined;
    do {
      const token = nextToken;
      const result = await retrying(async () => {
        await pace();
        return page({
          database: options.database,
          table: options.table,
          expression: options.expression,
          ...(total > 1 ? { segment: { number, total } } : {}),
          ...(token ? { nextToken: token } : {}),
          maxResults: PAGE_SIZE,
        });
      }, options.clock);
      calls++;
      found.push(...result.partitions);
      nextToken = result.nextToken;
    } while (nextToken);
    return found;
  });
  return { partitions: results.flat(), calls, segments: total };
}
