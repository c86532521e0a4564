/**
 * What the catalog already holds for a run's window, so the run submits only the partitions
 * that are missing. `ADD IF NOT EXISTS` makes re-adding harmless, but not free: each partition
 * re-added costs DDL time in the small scheduled share, and at organization scale that time
 * decides whether the daily run fits one invocation (docs/limits.md).
 *
 * One GetPartitions read per calendar month of the window, each expression a plain AND of
 * equalities and ranges on the table's keys (so Glue can use the partition index), in parallel
 * segments, paced under Glue's rate. Without Glue read rights, or when the read fails, the run
 * falls back to re-adding the whole window, and says so.
 *
 * Retry stability (docs/design.md): a partition counts as registered only when Glue created it
 * before the run's reference time (the scheduled event's instant, the same in every delivery of
 * one event). A retried invocation then computes the same missing set as the first attempt, even
 * though the first attempt's queries have since added some of it, so it plans the same
 * statements, gets the same ClientRequestTokens, and Athena hands back the queries already started.
 */
import { catalogExpression, type ExpressionSelection } from '../catalog/catalog-expression';
import { readCatalog } from '../catalog/catalog-read';
import type { PartitionSpec } from '../partitions/ddl';
import type { PartitionScheme } from '../partitions/scheme';
import { dayParts, type DayWindow, windowLength } from '../shared/dates';
import { type CatalogPort, type Clock, PortError } from '../shared/ports';
import { LOG_MESSAGE } from '../shared/contract';

export interface RegisteredPartitions {
  /** True for a partition the catalog held before the reference time; absent when not read. */
  readonly has?: (partition: PartitionSpec) => boolean;
  /** Partitions the read returned that were created at or after the reference time (planned again). */
  readonly newer: number;
  readonly calls: number;
  /** Why the catalog was not read (the run re-adds the whole window), when it was not. */
  readonly fallback?: string;
}

export interface RegisteredRead {
  readonly database: string;
  readonly table: string;
  readonly scheme: PartitionScheme;
  readonly window: DayWindow;
  readonly selection?: ExpressionSelection;
  readonly expectedPartitions: number;
  /** Epoch ms: partitions Glue created at or after it are planned again (retry stability). */
  readonly referenceTime: number;
  readonly clock: Clock;
  /** GetPartitions calls in flight. @default readCatalog's (4) */
  readonly concurrency?: number;
}

const SEPARATOR = '\u0001';

/** The window cut at month ends: each part's expression is one AND of conditions on the keys. */
export function monthWindows(window: DayWindow): DayWindow[] {
  const parts: DayWindow[] = [];
  let from = window.from;
  for (let day = window.from; day <= window.to; day++) {
    if (day === window.to || dayParts(day + 1).month !== dayParts(day).month) {
      parts.push({ from, to: day });
      from = day + 1;
    }
  }
  return parts;
}

export async function readRegistered(
  catalog: CatalogPort,
  read: RegisteredRead,
): Promise<RegisteredPartitions> {
  // A port without partition reads (a plan from fakes, a trimmed adapter): nothing to skip, nothing to say.
  if (!catalog.getPartitionsPage) return { newer: 0, calls: 0 };
  const { scheme, window } = read;
  try {
    const keys = new Set<string>();
    let calls = 0;
    let newer = 0;
    // Month partitions: one read of the months the window touches; day partitions: one per month.
    const parts = scheme.granularity === 'month' ? [window] : monthWindows(window);
    for (const part of parts) {
      const result = await readCatalog(catalog, {
        database: read.database,
        table: read.table,
        expression: catalogExpression(scheme, part, read.selection),
        expectedPartitions: Math.ceil((read.expectedPartitions * windowLength(part)) / windowLength(window)),
        clock: read.clock,
        ...(read.concurrency !== undefined ? { concurrency: read.concurrency } : {}),
      });
      calls += result.calls;
      for (const entry of result.partitions) {
        // No CreationTime (never from Glue itself): it exists, so it is not added again.
        if (entry.createdAt !== undefined && entry.createdAt >= read.referenceTime) newer++;
        else keys.add(entry.values.join(SEPARATOR));
      }
    }
    const fields = scheme.columns;
    return {
      has: (partition) => keys.has(fields.map((field) => partition[field]).join(SEPARATOR)),
      newer,
      calls,
    };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const why =
      error instanceof PortError && error.kind === 'access-denied'
        ? `no glue:GetPartitions rights (${message})`
        : `the catalog read failed (${message})`;
    return { newer: 0, calls: 0, fallback: `${why}: re-adding the whole window with IF NOT EXISTS` };
  }
}

/** How many of the planned partitions are registered. */
export function countMatching(
  partitions: Iterable<PartitionSpec>,
  has: (partition: PartitionSpec) => boolean,
): number {
  let count = 0;
  for (const partition of partitions) if (has(partition)) count++;
  return count;
}

/** The planned partitions the catalog does not hold (all of them when it was not read). */
export function* unregistered(
  partitions: Iterable<PartitionSpec>,
  has: ((partition: PartitionSpec) => boolean) | undefined,
): Generator<PartitionSpec> {
  if (!has) return yield* partitions;
  for (const partition of partitions) if (!has(partition)) yield partition;
}

/** A run's read of its window: the filter, the report's fields, and the fallback said in the log. */
export async function readRunWindow(
  catalog: CatalogPort,
  read: RegisteredRead,
  planned: () => Iterable<PartitionSpec>,
  logger?: { warn(message: string, extra: Record<string, unknown>): void },
): Promise<{
  readonly has?: (partition: PartitionSpec) => boolean;
  readonly fields: { readonly alreadyRegistered: number; readonly catalogFallback?: string };
}> {
  const registered = await readRegistered(catalog, read);
  if (registered.fallback) logger?.warn(LOG_MESSAGE.catalogNotRead, { reason: registered.fallback });
  return {
    ...(registered.has ? { has: registered.has } : {}),
    fields: {
      alreadyRegistered: registered.has ? countMatching(planned(), registered.has) : 0,
      ...(registered.fallback ? { catalogFallback: registered.fallback } : {}),
    },
  };
}
