/**
 * The naive baseline, as older partitioners did it: one `ALTER TABLE ... ADD IF NOT EXISTS`
 * per account per day (that day's regions in one statement), strictly one at a time, each
 * polled with GetQueryExecution every simulated second until it ends. Same stand-in, same
 * quotas, same SDK client policy as our run.
 *
 * Every baseline statement has the same size, and nothing overlaps, so its time is linear
 * in the number of statements. Long baselines run a slice (the first N account-days)
 * through the stand-in and scale linearly to the full count; the result says so.
 */
import { createHash } from 'node:crypto';
import { GetQueryExecutionCommand, StartQueryExecutionCommand } from '@aws-sdk/client-athena';
import { sdkErrorInfo } from '../lambda/aws/clients';
import { dayParts } from '../lambda/core/shared/dates';
import { clauseRenderer, renderHeader } from '../lambda/core/partitions/ddl';
import { dayKey, makeLayout, s3Url, type Layout } from '../lambda/core/partitions/layout';
import { schemeFromKeyList } from '../lambda/core/partitions/scheme';
import type { CommonOptions, Scenario } from './scenarios';
import { requestFor, settingsFor } from './scenarios';
import { accountIds, BUCKET, DATABASE, openWorld, REGIONS, TABLE, WORKGROUP } from './world';

const POLL_MS = 1000;

export interface BaselineResult {
  readonly id: string;
  /** Statements the full baseline needs: accounts × days. */
  readonly statements: number;
  /** Statements actually run through the stand-in. */
  readonly ran: number;
  readonly extrapolated: boolean;
  /** Simulated seconds for the slice that ran. */
  readonly sliceSimSeconds: number;
  /** Simulated seconds for the full baseline (the slice scaled linearly when extrapolated). */
  readonly simSeconds: number;
  readonly startCalls: number;
  readonly statusCalls: number;
  readonly throttled: number;
  readonly failures: number;
  readonly realSeconds: number;
}

/** One statement per account-day, account by account, day by day. */
function* baselineStatements(
  layout: Layout,
  accounts: readonly string[],
  from: number,
  to: number,
): Generator<string> {
  const header = renderHeader(DATABASE, TABLE);
  const render = clauseRenderer(schemeFromKeyList('account,region,year,month,day'));
  for (const account of accounts) {
    for (let day = from; day <= to; day++) {
      const { year, month, day: dd } = dayParts(day);
      let sql = header;
      for (const region of REGIONS) {
        const location = s3Url(layout, dayKey(layout, account, region, day));
        sql += render({ account, region, year, month, day: dd, location });
      }
      yield sql;
    }
  }
}

export async function runBaseline(
  scenario: Scenario,
  common: CommonOptions,
  slice: number,
): Promise<BaselineResult> {
  const settings = settingsFor(scenario);
  const { window } = requestFor(scenario, settings);
  const accounts = accountIds(scenario.accounts);
  const total = accounts.length * (window.to - window.from + 1);
  const ran = Math.min(total, Math.max(1, slice));
  const layout = makeLayout({ bucket: BUCKET, ...(scenario.orgId ? { orgId: scenario.orgId } : {}) });
  const world = await openWorld({ ...common, quotas: { ...common.quotas, ...scenario.quotas } });
  const { standIn, athenaClient, time } = world;
  let startCalls = 0;
  let statusCalls = 0;
  let throttled = 0;
  let failures = 0;
  try {
    const realStart = performance.now();
    const simStart = standIn.clock.now();
    time.mark();
    let done = 0;
    for (const sql of baselineStatements(layout, accounts, window.from, window.to)) {
      if (done++ >= ran) break;
      const token = createHash('sha256').update(`baseline\n${sql}`).digest('hex');
      let id: string | undefined;
      while (id === undefined) {
        try {
          startCalls++;
          const out = await time.call(() =>
            athenaClient.send(
              new StartQueryExecutionCommand({
                QueryString: sql,
                ClientRequestToken: token,
                WorkGroup: WORKGROUP,
                QueryExecutionContext: { Database: DATABASE },
              }),
            ),
          );
          id = out.QueryExecutionId;
        } catch (error) {
          if (!/Throttling|TooManyRequests/.test(sdkErrorInfo(error).code)) throw error;
          throttled++;
          await time.sleep(POLL_MS);
        }
      }
      for (;;) {
        await time.sleep(POLL_MS);
        statusCalls++;
        const out = await time.call(() =>
          athenaClient.send(new GetQueryExecutionCommand({ QueryExecutionId: id })),
        );
        const state = out.QueryExecution?.Status?.State;
        if (state === 'SUCCEEDED') break;
        if (state === 'FAILED' || state === 'CANCELLED') {
          failures++;
          break;
        }
      }
    }
    const sliceMs = standIn.clock.now() - simStart;
    const round1 = (value: number): number => Math.round(value * 10) / 10;
    return {
      id: scenario.id,
      statements: total,
      ran,
      extrapolated: ran < total,
      sliceSimSeconds: round1(sliceMs / 1000),
      simSeconds: round1(((sliceMs / ran) * total) / 1000),
      startCalls,
      statusCalls,
      throttled,
      failures,
      realSeconds: round1((performance.now() - realStart) / 1000),
    };
  } finally {
    await world.close();
  }
}
