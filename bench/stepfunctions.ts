/**
 * The Step Functions backfill as the state machine runs it at its defaults: one split
 * invocation, then one lane per Map slot (`backfillMaxConcurrency`), each walking its chunks in
 * order. Every chunk is a `{from, to, chunk: true, carry, carryTail}` payload, parsed as the
 * handler parses it; a chunk with another after it hands its tail on (`report.carry`) to the
 * next. Every invocation is one more actor on the simulated clock, and pays one modeled round
 * trip for Step Functions to invoke it.
 */
import type { LaneReport } from '../lambda/core/run/lane-carry';
import type { Report } from '../lambda/core/run/report';
import { parseRunPayload, type RunRequest } from '../lambda/core/run/request';
import { splitBackfill } from '../lambda/core/run/backfill-split';
import { runPartitions } from '../lambda/core/run/run';
import type { Settings } from '../lambda/core/run/settings';
import type { World } from './world';

export interface ChunkRun {
  readonly window: { readonly from: number; readonly to: number };
  readonly report: Report;
  /** Bytes of each distinct statement the chunk started. */
  readonly statementBytes: readonly number[];
}

export async function runStepFunctions(
  world: World,
  settings: Settings,
  request: RunRequest,
  now: Date,
): Promise<{ readonly chunks: ChunkRun[]; readonly splitAccountRegions: number }> {
  const { time } = world;
  await time.sleep(time.apiLatencyMs);
  const split = await splitBackfill(
    {
      window: request.window,
      includeEmptyDays: request.includeEmptyDays,
      lanes: settings.backfillMaxConcurrency,
    },
    settings,
    world.ports,
    now,
  );
  // The lanes are the actors from here; the scenario's own flow only waits for them.
  time.setBaseActors(0);
  try {
    const lanes = await Promise.all(
      split.lanes.map((lane, l) =>
        time.actor(async () => {
          const runs: ChunkRun[] = [];
          let carry: LaneReport['carry'] = null;
          for (const [k, chunk] of lane.chunks.entries()) {
            const payload = { ...chunk, ...split.selection, carry, carryTail: k < lane.chunks.length - 1 };
            const chunkRequest = parseRunPayload(payload, now, settings);
            const run = await runChunk(world, settings, chunkRequest, now, `bench-sfn-${l}-${k}`);
            carry = run.report.carry ?? null;
            runs.push(run);
          }
          return runs;
        }),
      ),
    );
    const chunks = lanes.flat().sort((x, y) => x.window.from - y.window.from);
    return { chunks, splitAccountRegions: split.accountRegions };
  } finally {
    time.setBaseActors(1);
  }
}

/** One chunk invocation: Step Functions' round trip, then the handler's run. */
async function runChunk(
  world: World,
  settings: Settings,
  request: RunRequest,
  now: Date,
  tokenSeed: string,
): Promise<ChunkRun & { readonly report: LaneReport }> {
  const { time } = world;
  await time.sleep(time.apiLatencyMs);
  const sqls = new Map<string, number>();
  const athena = world.ports.athena;
  const ports = {
    ...world.ports,
    athena: {
      startQuery: (sql: string, token: string) => {
        sqls.set(sql, Buffer.byteLength(sql));
        return athena.startQuery(sql, token);
      },
      getQueryStates: (ids: readonly string[]) => athena.getQueryStates(ids),
      // As the handler's adapter: the history read before the first statement, and the
      // stop of a hedge's loser.
      ...(athena.recentQueries ? { recentQueries: athena.recentQueries.bind(athena) } : {}),
      ...(athena.stopQuery ? { stopQuery: athena.stopQuery.bind(athena) } : {}),
    },
  };
  const report: LaneReport = await runPartitions(request, settings, ports, { now, tokenSeed });
  return { window: request.window, report, statementBytes: [...sqls.values()] };
}
