/**
 * Turns the flags of `cloudtrail-partitioner audit` (parsed by AUDIT_SPEC in bin/usage.ts) into a
 * validated command: the same settings validation as `run`, and any problem is a
 * {@link UsageError} (exit 2) before anything touches AWS.
 */
import { type DayWindow, parseIsoDate, utcDay } from '../../lambda/core/shared/dates';
import { checkAccount, checkRegion, show } from '../../lambda/core/shared/names';
import { checkWindow } from '../../lambda/core/run/request';
import { parseSettings, type Settings } from '../../lambda/core/run/settings';
import { integer, LABELS, listFlag } from './cli-values';
import { type FlagValues, UsageError } from './flags';
import type { AUDIT_SPEC } from './usage';

export interface AuditCommand {
  readonly command: 'audit';
  /** `workgroup` is set whenever `repair` is. */
  readonly settings: Settings;
  readonly window: DayWindow;
  readonly repair: boolean;
  readonly format: 'text' | 'json';
  /** Days of partitions to keep: older ones are reported, and dropped with --repair. */
  readonly retentionDays?: number;
}

function day(flag: string, text: string | undefined): number {
  if (text === undefined) throw new UsageError('missing --from or --to: audit needs both, YYYY-MM-DD');
  const parsed = parseIsoDate(text);
  if (parsed === undefined)
    throw new UsageError(`invalid ${flag} ${show(text)}: expected a real calendar date YYYY-MM-DD`);
  return parsed;
}

export function auditCommand(values: FlagValues<typeof AUDIT_SPEC>, now: Date): AuditCommand {
  if (values.bucket === undefined) throw new UsageError('missing --bucket: expected the trail bucket name');
  const input = Object.fromEntries(
    Object.entries({
      bucket: values.bucket,
      prefix: values.prefix,
      orgId: values['org-id'],
      accounts: listFlag('accounts', values.accounts, checkAccount),
      regions: listFlag('regions', values.regions, checkRegion),
      database: values.database,
      table: values.table,
      workgroup: values.workgroup,
      maxPartitionsPerStatement: integer(
        '--max-partitions-per-statement',
        values['max-partitions-per-statement'],
      ),
      maxConcurrentQueries: integer('--max-concurrent-queries', values['max-concurrent-queries']),
      retentionDays: integer('--retention-days', values['retention-days']),
    }).filter(([, value]) => value !== undefined),
  );
  let settings: Settings;
  let window: DayWindow;
  try {
    settings = parseSettings(input, 'options', LABELS);
    window = { from: day('--from', values.from), to: day('--to', values.to) };
    // Partitions from today on are registered before their logs exist: the audit ends yesterday.
    if (window.to >= utcDay(now)) {
      throw new UsageError(
        `invalid --to ${show(values.to)}: the audit covers past days, up to yesterday (utc)`,
      );
    }
    checkWindow(window, now, settings);
  } catch (error) {
    throw error instanceof UsageError ? error : new UsageError((error as Error).message);
  }
  const repair = values.repair ?? false;
  if (repair && settings.workgroup === undefined) {
    throw new UsageError('missing --workgroup: audit --repair adds partitions through athena');
  }
  const { retentionDays } = settings;
  return {
    command: 'audit',
    settings,
    window,
    repair,
    format: values.format ?? 'text',
    ...(retentionDays !== undefined ? { retentionDays } : {}),
  };
}
