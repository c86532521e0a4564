/**
 * A Step Functions chunk's part in its lane (docs/design.md, "Lanes"): it adopts the tail the
 * chunk before handed on, hands its own tail on when another chunk follows, and repairs the
 * carried days from the catalog when an adopted query failed. The report says what was
 * confirmed, and `carry` is what the state machine passes to the lane's next chunk.
 */
import { type DayWindow, formatIsoDate } from '../shared/dates';
import { type CarriedQuery, type CarryResult, NO_CARRY } from '../submit/carry';
import type { LatencySample } from '../submit/latency';
import type { SubmitOptions } from '../submit/scheduler-options';
import type { Report } from './report';
import type { RunRequest } from './request';

/** What the function returns for the next chunk of its lane (null: nothing runs on). */
export interface CarryOut {
  readonly from: string;
  readonly to: string;
  readonly queries: readonly CarriedQuery[];
  /** Athena's latency as the chunk measured it (newest first): the next starts from it. */
  readonly latency?: readonly LatencySample[];
}

/** What a chunk did with the tail it was given. */
export interface CarriedReport {
  /** Queries adopted from the chunk before. */
  readonly queries: number;
  readonly confirmed: number;
  readonly partitionsConfirmed: number;
  /** Adopted queries that ended other than SUCCEEDED, or were still running at the deadline. */
  readonly failed: number;
  readonly unconfirmed: number;
  /** The carried days registered again from the catalog after a failure, and how that went. */
  readonly repaired?: {
    readonly window: { from: string; to: string };
    readonly ok: boolean;
    readonly partitionsAdded: number;
  };
}

export type LaneReport = Report & { readonly carry?: CarryOut | null; readonly carried?: CarriedReport };

/** The scheduler options of a chunk's lane: what to adopt, and whether to hand its tail on. */
export function laneSubmitOptions(request: RunRequest): Pick<SubmitOptions, 'adopted' | 'handTailOn'> {
  if (request.kind !== 'chunk') return {};
  // A conversion reads the registered days: a chunk that converts waits for its own tail.
  const handTailOn = request.carryTail === true && request.columnar !== true && !request.dryRun;
  return { ...(request.carry ? { adopted: request.carry.queries } : {}), handTailOn };
}

/**
 * The chunk's report with its lane fields. `repair` registers a carried window again (reading
 * the catalog first, so only what the failed queries left is submitted); it is called only when
 * an adopted query failed, after every query of this chunk has ended.
 */
export async function withLaneCarry(
  report: Report,
  request: RunRequest,
  carry: CarryResult | undefined,
  repair: (window: DayWindow) => Promise<Report>,
): Promise<LaneReport> {
  if (request.kind !== 'chunk') return report;
  const adopted = request.carry?.queries.length ?? 0;
  const result = carry ?? NO_CARRY;
  const unconfirmed = result.failed.filter((f) => f.status === 'unconfirmed').length;
  const failed = result.failed.length - unconfirmed;
  const carried: CarriedReport = {
    queries: adopted,
    confirmed: result.confirmed,
    partitionsConfirmed: result.partitionsConfirmed,
    failed,
    unconfirmed,
  };
  const out: LaneReport = {
    ...report,
    // A chunk counts what it confirmed: the progress bar sums partitionsAdded over chunks.
    partitionsAdded: report.partitionsAdded + result.partitionsConfirmed,
    // Still running at the deadline: a retry of this invocation adopts them again.
    ok: report.ok && unconfirmed === 0,
    carry: carryOut(request, result),
    ...(adopted > 0 ? { carried } : {}),
  };
  if (failed === 0 || !request.carry || unconfirmed > 0) return out;
  const fixed = await repair(request.carry.window);
  const window = {
    from: formatIsoDate(request.carry.window.from),
    to: formatIsoDate(request.carry.window.to),
  };
  return {
    ...out,
    ok: out.ok && fixed.ok,
    partitionsAdded: out.partitionsAdded + fixed.partitionsAdded,
    failures: [...out.failures, ...fixed.failures],
    carried: { ...carried, repaired: { window, ok: fixed.ok, partitionsAdded: fixed.partitionsAdded } },
  };
}

/**
 * The tail to hand on: its queries and the days they cover. Adopted queries handed on again
 * (a straggler that outlived a whole chunk) belong to the earlier chunks, so the range starts
 * at the carry's `from`; a failure caught later then names every day still unconfirmed.
 */
function carryOut(request: RunRequest, result: CarryResult): CarryOut | null {
  if (result.handedOn.length === 0) return null;
  const from = result.adoptedHandedOn > 0 && request.carry ? request.carry.window.from : request.window.from;
  return {
    from: formatIsoDate(from),
    to: formatIsoDate(request.window.to),
    queries: result.handedOn,
    ...(result.latency.length > 0 ? { latency: result.latency } : {}),
  };
}
