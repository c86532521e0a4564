/**
 * What the catalog already holds for a run's window, so the run submits only the partitions
 * that are missing. `ADD IF NOT EXISTS` makes re-adding harmless, but not free: each partition
 * re-added costs DDL time in the small scheduled share, and at organization scale that time
 * decides whether the daily run fits one invocation (docs/limits.md).
 *
 * One GetPartitions read with an AND-able expression on the window's keys (so Glue can use the
 * partition index), in parallel segments, paced under Glue's rate. Without Glue read rights, or
 * when the read fails, the run falls back to re-adding the whole window, and says so.
 */
import { catalogExpression } from '../catalog/catalog-expression';
import { readCatalog } from '../catalog/catalog-read';
import type { PartitionSpec } from '../partitions/ddl';
import type { PartitionScheme } from '../partitions/scheme';
import type { DayWindow } from '../shared/dates';
import { type CatalogPort, type Clock, PortError } from '../shared/ports';

export interface RegisteredPartitions {
  /** True for a partition the catalog already holds; absent when the catalog could not be read. */
  readonly has?: (partition: PartitionSpec) => boolean;
  /** Partitions the read returned. */
  readonly count: number;
  readonly calls: number;
  /** Why the catalog was not read (the run re-adds the whole window), when it was not. */
  readonly fallback?: string;
}

const SEPARATOR = '\u0001';

export async function readRegistered(
  catalog: CatalogPort,
  target: { readonly database: string; readonly table: string },
  scheme: PartitionScheme,
  window: DayWindow,
  expectedPartitions: number,
  clock: Clock,
): Promise<RegisteredPartitions> {
  // A port without partition reads (a plan from fakes, a trimmed adapter): nothing to skip, nothing to say.
  if (!catalog.getPartitionsPage) return { count: 0, calls: 0 };
  try {
    const read = await readCatalog(catalog, {
      ...target,
      expression: catalogExpression(scheme, window),
      expectedPartitions,
      clock,
    });
    const keys = new Set(read.partitions.map((entry) => entry.values.join(SEPARATOR)));
    const fields = scheme.columns;
    return {
      has: (partition) => keys.has(fields.map((field) => partition[field]).join(SEPARATOR)),
      count: keys.size,
      calls: read.calls,
    };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const why =
      error instanceof PortError && error.kind === 'access-denied'
        ? `no glue:GetPartitions rights (${message})`
        : `the catalog read failed (${message})`;
    return { count: 0, calls: 0, fallback: `${why}: re-adding the whole window with IF NOT EXISTS` };
  }
}
