/**
 * The Step Functions backfill as the state machine runs it at its defaults: one split
 * invocation, then `backfillMaxConcurrency` chunks at a time, each a `{from, to, chunk: true}`
 * invocation that takes its part of `maxConcurrentQueries`. Every invocation is one more
 * actor on the simulated clock, and pays one modeled round trip for Step Functions to invoke it.
 */
import { mapLimit } from '../lambda/core/shared/concurrency';
import { parseIsoDate } from '../lambda/core/shared/dates';
import type { Report } from '../lambda/core/run/report';
import type { RunRequest } from '../lambda/core/run/request';
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
    { window: request.window, includeEmptyDays: request.includeEmptyDays },
    settings,
    world.ports,
    now,
  );
  // The chunks are the actors from here; the scenario's own flow only waits for them.
  time.setBaseActors(0);
  try {
    const chunks = await mapLimit(split.chunks, settings.backfillMaxConcurrency, (chunk, i) =>
      time.actor(async () => {
        await time.sleep(time.apiLatencyMs);
        const window = { from: parseIsoDate(chunk.from) as number, to: parseIsoDate(chunk.to) as number };
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
        const report = await runPartitions({ ...request, kind: 'chunk', window }, settings, ports, {
          now,
          tokenSeed: `bench-sfn-${i}`,
        });
        return { window, report, statementBytes: [...sqls.values()] };
      }),
    );
    return { chunks, splitAccountRegions: split.accountRegions };
  } finally {
    time.setBaseActors(1);
  }
}
