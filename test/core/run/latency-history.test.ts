import type { Statement } from '../../../lambda/core/partitions/ddl';
import { withLatencyHistory } from '../../../lambda/core/run/latency-history';
import { type AthenaPort, PortError, type RecentQuery } from '../../../lambda/core/shared/ports';

const NOW = Date.UTC(2026, 11, 7);
const TABLE = { database: 'cloudtrail', table: 'logs' };
const clock = { now: () => NOW, sleep: () => Promise.resolve() };

function statement(index: number): Statement {
  return { index, sql: `s${index}`, bytes: 2, partitions: [] };
}

/** A port whose history answers with `queries`, or fails with `error`; counts the reads. */
function port(queries: readonly RecentQuery[], error?: Error): AthenaPort & { reads: number } {
  const fake = {
    reads: 0,
    startQuery: () => Promise.reject(new Error('not here')),
    getQueryStates: () => Promise.resolve([]),
    recentQueries: () => {
      fake.reads++;
      return error ? Promise.reject(error) : Promise.resolve(queries);
    },
  };
  return fake;
}

const added = (ms: number): RecentQuery => ({
  queryId: `q${ms}`,
  sql: "ALTER TABLE cloudtrail.logs ADD PARTITION (day='1') LOCATION 's3://b/1/'",
  state: 'SUCCEEDED',
  statementType: 'DDL',
  timing: { submittedAtMs: NOW - 60_000, completedAtMs: NOW - 60_000 + ms },
});

function logger() {
  const lines: { level: string; message: string; extra: Record<string, unknown> }[] = [];
  return {
    lines,
    info: (message: string, extra: Record<string, unknown>) => lines.push({ level: 'info', message, extra }),
    warn: (message: string, extra: Record<string, unknown>) => lines.push({ level: 'warn', message, extra }),
  };
}

describe('withLatencyHistory: the history read around the plan', () => {
  test('nothing to submit: no read at all', async () => {
    // GIVEN no statements
    const athena = port([added(1000), added(1100), added(1200)]);
    // WHEN the history is read around them
    const out = await withLatencyHistory([], { athena, clock, table: TABLE });
    // THEN the port was never asked
    expect(athena.reads).toBe(0);
    expect([...out.statements]).toEqual([]);
    expect(out.history.samples).toEqual([]);
  });

  test('statements: one read, and every statement handed on in order, the first included', async () => {
    // GIVEN three statements and three good samples
    const athena = port([added(1000), added(1100), added(1200)]);
    const log = logger();
    // WHEN read
    const out = await withLatencyHistory([statement(0), statement(1), statement(2)], {
      athena,
      clock,
      table: TABLE,
      logger: log,
    });
    // THEN one read, three samples, the statements unchanged, and the count logged
    expect(athena.reads).toBe(1);
    expect(out.history.samples.map((s) => s.ms)).toEqual([1000, 1100, 1200]);
    expect([...out.statements].map((s) => s.index)).toEqual([0, 1, 2]);
    expect(log.lines).toEqual([
      expect.objectContaining({ level: 'info', extra: { queries: 3, latencyFromHistory: 3 } }),
    ]);
  });

  test('a refused read: no samples, one warning with the kind, the statements still go', async () => {
    // GIVEN a port refused by IAM
    const athena = port(
      [],
      new PortError('access-denied', 'access denied calling athena ListQueryExecutions'),
    );
    const log = logger();
    // WHEN read
    const out = await withLatencyHistory([statement(0)], { athena, clock, table: TABLE, logger: log });
    // THEN nothing learned, one warning, the statement kept
    expect(out.history.samples).toEqual([]);
    expect(log.lines).toEqual([
      expect.objectContaining({ level: 'warn', extra: expect.objectContaining({ kind: 'access-denied' }) }),
    ]);
    expect([...out.statements]).toHaveLength(1);
  });

  test('past the start deadline, or without the port method: no read', async () => {
    // GIVEN a deadline already passed, and a port without the history read
    const athena = port([added(1000), added(1100), added(1200)]);
    const late = await withLatencyHistory([statement(0)], {
      athena,
      clock,
      table: TABLE,
      startDeadline: NOW,
    });
    const bare = await withLatencyHistory([statement(0)], {
      athena: { startQuery: athena.startQuery, getQueryStates: athena.getQueryStates },
      clock,
      table: TABLE,
    });
    // THEN neither read, and both say why
    expect(athena.reads).toBe(0);
    expect(late.history.skipped).toMatch(/deadline/);
    expect(bare.history.skipped).toMatch(/no history/);
  });
});
