import type { LifecyclePort, PartitionValuesPort } from '../../../lambda/core/catalog/catalog-reads';
import { oldestPartitionMonth, runRetention } from '../../../lambda/core/run/retention-run';
import { schemeFromKeyList } from '../../../lambda/core/partitions/scheme';
import { parseSettings } from '../../../lambda/core/run/settings';
import { parseExpression } from '../../support/aws-standin/glue-expression';
import { dayOf, isoOf, NOW, ScriptedAthena, VirtualClock } from '../../support/core-fakes';

const DAY = schemeFromKeyList('account,region,year,month,day');
const SETTINGS = parseSettings({ bucket: 'trail-bucket', orgId: 'o-abcdefghij' });

/** Glue over an in-memory list, answering expressions with the stand-in's evaluator; records each expression. */
class FakePartitionValues implements PartitionValuesPort {
  readonly expressions: string[] = [];
  constructor(private readonly rows: readonly string[][]) {}
  async listPartitionValues(_db: string, _table: string, expression: string, limit: number) {
    this.expressions.push(expression);
    const match = parseExpression(expression, DAY.columns);
    const hits = this.rows.filter((row) => match(Object.fromEntries(DAY.columns.map((c, i) => [c, row[i]]))));
    return { values: hits.slice(0, limit), more: hits.length > limit };
  }
}

function rows(fromIso: string, toIso: string): string[][] {
  const out: string[][] = [];
  for (let d = dayOf(fromIso); d <= dayOf(toIso); d++)
    out.push(['111122223333', 'us-east-1', ...isoOf(d).split('-')]);
  return out;
}

function ports(values: PartitionValuesPort, lifecycle?: LifecyclePort) {
  const clock = new VirtualClock();
  const warnings: string[] = [];
  return {
    ports: {
      partitions: values,
      athena: new ScriptedAthena(clock),
      clock,
      ...(lifecycle ? { lifecycle } : {}),
      logger: { info: () => undefined, warn: (message: string) => warnings.push(message) },
    },
    warnings,
  };
}

describe('runRetention', () => {
  it('drops only what the catalog holds past the cutoff (NOW is 2024-06-15, 10 days kept)', async () => {
    // GIVEN partitions from 2024-05-01 to 2024-06-16
    const values = new FakePartitionValues(rows('2024-05-01', '2024-06-16'));
    const { ports: p } = ports(values);
    // WHEN retention of 10 days runs
    const report = await runRetention(SETTINGS, DAY, 10, p, { now: NOW, tokenSeed: 'seed', dryRun: false });
    // THEN 2024-05-01 .. 2024-06-04 (35 days) are dropped, in one statement, and 2024-06-05 is kept
    expect(report).toMatchObject({
      keepFrom: '2024-06-05',
      expired: 35,
      dropped: 35,
      notDropped: 0,
      more: false,
    });
    expect(report.statements).toBe(1);
    const sql = p.athena.starts[0].sql;
    expect(sql).toContain("`day` = '04')");
    expect(sql).not.toContain("`month` = '06', `day` = '05'");
  });

  it('reads at most maxDrops and says more remain', async () => {
    const values = new FakePartitionValues(rows('2024-01-01', '2024-03-31'));
    const { ports: p } = ports(values);
    const report = await runRetention(SETTINGS, DAY, 10, p, {
      now: NOW,
      tokenSeed: 'seed',
      dryRun: false,
      maxDrops: 20,
    });
    expect(report).toMatchObject({ expired: 20, dropped: 20, more: true });
  });

  it('submits nothing in a dry run, and shows the first statement', async () => {
    const values = new FakePartitionValues(rows('2024-01-01', '2024-01-03'));
    const { ports: p } = ports(values);
    const report = await runRetention(SETTINGS, DAY, 10, p, { now: NOW, tokenSeed: 's', dryRun: true });
    expect(p.athena.starts).toHaveLength(0);
    expect(report.firstStatement).toMatch(/^ALTER TABLE `cloudtrail`.`cloudtrail_logs` DROP IF EXISTS/);
  });

  it('warns when retention outlives the bucket lifecycle, and not otherwise', async () => {
    // GIVEN logs that expire after 90 days
    const lifecycle = { logExpirationDays: async () => 90 };
    const longer = await runRetention(
      SETTINGS,
      DAY,
      365,
      ports(new FakePartitionValues([]), lifecycle).ports,
      {
        now: NOW,
        tokenSeed: 's',
        dryRun: true,
      },
    );
    const shorter = await runRetention(
      SETTINGS,
      DAY,
      90,
      ports(new FakePartitionValues([]), lifecycle).ports,
      {
        now: NOW,
        tokenSeed: 's',
        dryRun: true,
      },
    );
    // THEN 365 > 90 is a warning naming both numbers; 90 is fine
    expect(longer.warning).toMatch(/retention of 365 days outlives .* expires logs after 90 days/);
    expect(shorter.warning).toBeUndefined();
  });

  it('runs without the lifecycle when it cannot be read', async () => {
    const lifecycle = {
      logExpirationDays: async () => {
        throw new Error('access denied');
      },
    };
    const report = await runRetention(
      SETTINGS,
      DAY,
      30,
      ports(new FakePartitionValues([]), lifecycle).ports,
      {
        now: NOW,
        tokenSeed: 's',
        dryRun: true,
      },
    );
    expect(report).toMatchObject({ expired: 0, statements: 0 });
    expect(report.warning).toBeUndefined();
  });
});

describe('oldestPartitionMonth', () => {
  it('finds the oldest month in about log2(months) one-item reads', async () => {
    // GIVEN partitions from 2019-07-20 on
    const values = new FakePartitionValues(rows('2019-07-20', '2019-08-02'));
    // WHEN searching
    const oldest = await oldestPartitionMonth(values, SETTINGS, dayOf('2024-06-15'));
    // THEN July 2019, found in at most 10 reads
    expect(oldest === undefined ? undefined : isoOf(oldest)).toBe('2019-07-01');
    expect(values.expressions.length).toBeLessThanOrEqual(10);
  });

  it('is undefined for an empty table', async () => {
    expect(
      await oldestPartitionMonth(new FakePartitionValues([]), SETTINGS, dayOf('2024-06-15')),
    ).toBeUndefined();
  });
});
