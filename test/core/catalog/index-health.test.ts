import { indexVerdict } from '../../../lambda/core/catalog/index-health';

const TABLE = {
  database: 'cloudtrail',
  table: 'cloudtrail_logs',
  keys: ['account', 'region', 'year', 'month', 'day'],
};
const index = (status: string, errors: string[] = []) => ({
  name: 'year_month_day',
  keys: ['year', 'month', 'day'],
  status,
  errors,
});

describe('indexVerdict (issue 17, defect 7)', () => {
  it('reports a FAILED backfill as an error, with Glue’s own errors', () => {
    // GIVEN Glue's BackfillErrors on a failed index
    const verdict = indexVerdict(
      [index('FAILED', ['MISSING_PARTITION_VALUE on 3 partitions, e.g. 1/2'])],
      TABLE,
    );
    // THEN an error naming the index, the error and the consequence
    expect(verdict.level).toBe('error');
    expect(verdict.message).toMatch(
      /year_month_day: MISSING_PARTITION_VALUE on 3 partitions.*list every partition/,
    );
  });

  it('says how to create the index on a table without one, and that a deploy creates it too', () => {
    const verdict = indexVerdict([], TABLE);
    expect(verdict.level).toBe('warn');
    expect(verdict.message).toContain(
      'aws glue create-partition-index --database-name cloudtrail --table-name cloudtrail_logs --partition-index Keys=year,month,day,IndexName=year_month_day',
    );
    // the deploy creates it on any table (createTable=false included); its handler's log says when it could not
    expect(verdict.message).toContain('a deploy creates it');
    // a month table gets the month keys
    expect(indexVerdict([], { ...TABLE, keys: ['account', 'region', 'year', 'month'] }).message).toContain(
      'Keys=year,month,IndexName=year_month',
    );
  });

  it('treats an index still CREATING as information, and ACTIVE as healthy', () => {
    expect(indexVerdict([index('CREATING')], TABLE)).toEqual({
      level: 'info',
      message: 'partition index year_month_day CREATING: Glue uses it once ACTIVE',
    });
    expect(indexVerdict([index('ACTIVE')], TABLE).level).toBe('info');
  });
});
