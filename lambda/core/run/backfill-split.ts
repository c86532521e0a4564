/**
 * The Step Functions backfill's split step: a window into date-only chunks, sized from the
 * account-regions the bucket holds, with the selection carried once for every chunk.
 */
import { formatWindow, windowLength } from '../shared/dates';
import type { SplitRequest } from './request';
import { retryingS3 } from '../submit/retry';
import { resolveTargets, type RunPorts } from './run';
import type { Settings } from './settings';
import { type Chunk, chunkDaysFor, MAX_CHUNKS, splitWindow } from '../partitions/split';
import { ValidationError } from '../shared/validation';

export interface SplitResult {
  readonly window: { readonly from: string; readonly to: string };
  readonly accountRegions: number;
  readonly chunkDays: number;
  /** Date ranges only: the selection rides once, below, so the state stays far under 256 KiB. */
  readonly chunks: readonly Chunk[];
  /** Merged into every chunk's invocation by the state machine. */
  readonly selection: Partial<
    Pick<SplitRequest, 'accounts' | 'regions' | 'includeEmptyDays' | 'columnar'>
  > & {
    /** Marks each chunk's invocation, so it takes its part of the backfill's concurrency. */
    readonly chunk: true;
  };
}

export async function splitBackfill(
  request: SplitRequest,
  settings: Settings,
  ports: Pick<RunPorts, 's3' | 'clock'>,
  now: Date,
): Promise<SplitResult> {
  let chunkDays = request.chunkDays;
  let accountRegions = 0;
  if (chunkDays === undefined) {
    // Discovery without day probes: cheap, and enough to size the chunks.
    const targets = await resolveTargets(
      retryingS3(ports.s3, ports.clock),
      settings,
      { ...request, window: { from: 1, to: 0 }, includeEmptyDays: true },
      now,
    );
    accountRegions = targets.length;
    // Few enough chunks for one execution's history: a 20-year organization backfill
    // gets longer chunks rather than thousands of Map iterations.
    // A conversion reads a day in minutes, not milliseconds: a chunk converts one day (or the fewest
    // that keep the chunks under MAX_CHUNKS), so it ends within the function's 15 minutes.
    const perChunk = request.columnar ? 1 : chunkDaysFor(accountRegions);
    chunkDays = Math.max(perChunk, Math.ceil(windowLength(request.window) / MAX_CHUNKS));
  } else if (windowLength(request.window) / chunkDays > MAX_CHUNKS) {
    throw new ValidationError(
      `invalid split payload: chunkDays ${chunkDays} makes ${Math.ceil(windowLength(request.window) / chunkDays)} chunks; at most ${MAX_CHUNKS} fit one execution`,
    );
  }
  const selection = {
    ...(request.accounts ? { accounts: request.accounts } : {}),
    ...(request.regions ? { regions: request.regions } : {}),
    ...(request.includeEmptyDays ? { includeEmptyDays: true } : {}),
    ...(request.columnar ? { columnar: true } : {}),
    chunk: true as const,
  };
  return {
    window: formatWindow(request.window),
    accountRegions,
    chunkDays,
    chunks: splitWindow(request.window, chunkDays),
    selection,
  };
}
