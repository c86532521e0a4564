import { DEFAULT_SCHEDULE_EXPRESSION, scheduleIntervalHours } from '../../lib/schedule-interval';

describe('scheduleIntervalHours', () => {
  it.each<[string, number | undefined]>([
    [DEFAULT_SCHEDULE_EXPRESSION, 24],
    ['cron(0 12 * * ? *)', 24],
    ['cron(0 0,12 * * ? *)', 12],
    ['cron(30 1,5,23 * * ? *)', 18],
    ['cron(0 8-17 * * ? *)', 15],
    ['cron(0/15 * * * ? *)', 1],
    ['cron(0 */6 * * ? *)', 6],
    ['cron(0 0/5 * * ? *)', 5],
    ['rate(1 day)', 24],
    ['rate(3 days)', 72],
    ['rate(12 hours)', 12],
    ['rate(30 minutes)', 0.5],
    ['rate(0 hours)', undefined],
    ['cron(0 1 ? * MON *)', undefined],
    ['cron(0 1 1 * ? *)', undefined],
    ['cron(0 1 * * ? 2030)', undefined],
    ['cron(0 1 * *)', undefined],
    ['cron(0 25 * * ? *)', undefined],
    ['at(2030-01-01T00:00:00)', undefined],
    ['rate(1 week)', undefined],
  ])('%s -> %s hours', (expression, expected) => {
    // GIVEN a schedule expression
    // WHEN its interval is derived
    const hours = scheduleIntervalHours(expression);
    // THEN it is the longest gap between runs, or undefined when unknown
    expect(hours).toBe(expected);
  });
});
