/**
 * Progress of a Step Functions backfill, read from its execution history. Pure: the CLI
 * fetches events through an adapter and renders what this module computes.
 */
import { BACKFILL_STATE } from '../shared/contract';

/** The few fields of a Step Functions history event that progress depends on. */
export interface HistoryEvent {
  readonly type: string;
  /** State name, for *StateEntered / *StateExited events. */
  readonly stateName?: string;
  /** JSON text: a state's output, or a task's result. */
  readonly output?: string;
}

export interface BackfillProgress {
  /** Known once the split step has finished. */
  readonly totalChunks?: number;
  readonly chunksDone: number;
  readonly chunksFailed: number;
  readonly partitionsAdded: number;
}

function parse(text: string | undefined): Record<string, unknown> | undefined {
  if (text === undefined) return undefined;
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

export function progressFromEvents(events: Iterable<HistoryEvent>): BackfillProgress {
  let totalChunks: number | undefined;
  let chunksDone = 0;
  let chunksFailed = 0;
  let partitionsAdded = 0;
  for (const event of events) {
    if (event.type === 'TaskStateExited' && event.stateName === BACKFILL_STATE.split) {
      // The split's output counts its chunks (the lanes hold them); an execution started before
      // lanes lists them.
      const chunks = parse(event.output)?.chunks;
      if (typeof chunks === 'number') totalChunks = chunks;
      else if (Array.isArray(chunks)) totalChunks = chunks.length;
    } else if (event.type === 'TaskStateExited' && event.stateName === BACKFILL_STATE.registerChunk) {
      if (parse(event.output)?.failed === false) chunksDone++;
    } else if (event.type === 'PassStateEntered' && event.stateName === BACKFILL_STATE.chunkFailed) {
      chunksDone++;
      chunksFailed++;
    } else if (event.type === 'TaskSucceeded') {
      // The Lambda's own report rides in the task result: {Payload: {partitionsAdded, ...}}.
      const payload = parse(event.output)?.Payload as Record<string, unknown> | undefined;
      if (typeof payload?.partitionsAdded === 'number') partitionsAdded += payload.partitionsAdded;
    }
  }
  return { totalChunks, chunksDone, chunksFailed, partitionsAdded };
}

function duration(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  return h > 0
    ? `${h}h${String(m).padStart(2, '0')}m`
    : m > 0
      ? `${m}m${String(s).padStart(2, '0')}s`
      : `${s}s`;
}

/** `[#######-------------]  7/20 chunks  1,234 partitions  3m05s elapsed  ~5m17s left` */
export function renderProgress(progress: BackfillProgress, elapsedMs: number, width = 24): string {
  const total = progress.totalChunks;
  const fraction = total ? progress.chunksDone / total : 0;
  const filled = Math.round(fraction * width);
  const bar = `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}]`;
  const chunks = total === undefined ? 'splitting…' : `${progress.chunksDone}/${total} chunks`;
  const failed = progress.chunksFailed > 0 ? `  ${progress.chunksFailed} failed` : '';
  const left =
    total && progress.chunksDone > 0 && progress.chunksDone < total
      ? `  ~${duration((elapsedMs / progress.chunksDone) * (total - progress.chunksDone))} left`
      : '';
  return `${bar} ${chunks}${failed}  ${progress.partitionsAdded.toLocaleString('en-US')} partitions  ${duration(elapsedMs)} elapsed${left}`;
}
