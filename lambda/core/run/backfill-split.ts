/**
 * The Step Functions backfill's split step: a window into lanes of date-only chunks, sized from
 * the account-regions the bucket holds, with the selection carried once for every chunk.
 */
import { formatWindow, windowLength } from '../shared/dates';
import type { SplitRequest } from './request';
import { retryingS3 } from '../submit/retry';
import { resolveTargets, type RunPorts } from './run';
import type { Settings } from './settings';
import {
  type Chunk,
  chunkDaysFor,
  chunkDaysWithin,
  type Lane,
  laneChunkCount,
  MAX_CHUNKS,
  splitLanes,
} from '../partitions/split';
import { ValidationError } from '../shared/validation';

export interface SplitResult {
  readonly window: { readonly from: string; readonly to: string };
  readonly accountRegions: number;
  readonly chunkDays: number;
  /**
   * Every chunk, oldest first (the lanes' chunks one after the other), for the CLI and the log.
   * Date ranges only: the selection rides once, below, so the state stays far under 256 KiB.
   */
  readonly chunks: readonly Chunk[];
  /**
   * What the state machine's Map iterates over: one lane per Map slot, each walking its own
   * consecutive chunks in order, so a chunk can hand the queries still running to the next.
   */
  readonly lanes: readonly Lane[];
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
  const lanes = request.lanes ?? 1;
  const days = windowLength(request.window);
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
    chunkDays = chunkDaysWithin(days, lanes, perChunk);
  } else if (laneChunkCount(days, chunkDays, lanes) > MAX_CHUNKS) {
    throw new ValidationError(
      `invalid split payload: chunkDays ${chunkDays} makes ${laneChunkCount(days, chunkDays, lanes)} chunks${lanes > 1 ? ` over ${lanes} lanes` : ''}; at most ${MAX_CHUNKS} fit one execution`,
    );
  }
  const selection = {
    ...(request.accounts ? { accounts: request.accounts } : {}),
    ...(request.regions ? { regions: request.regions } : {}),
    ...(request.includeEmptyDays ? { includeEmptyDays: true } : {}),
    ...(request.columnar ? { columnar: true } : {}),
    chunk: true as const,
  };
  const laneList = splitLanes(request.window, chunkDays, lanes);
  return {
    window: formatWindow(request.window),
    accountRegions,
    chunkDays,
    chunks: laneList.flatMap((lane) => lane.chunks),
    lanes: laneList,
    selection,
  };
}
