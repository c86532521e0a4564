/**
 * `cloudtrail-partitioner audit`: compares the days with logs in S3 with the partitions in
 * Glue, prints missing / orphaned / covered, and with --repair adds what is missing. Exit code
 * 1 when anything is missing and not repaired; orphans are reported but do not fail it.
 */
import { randomUUID } from 'node:crypto';
import { awsPorts } from '../../lambda/aws/ports';
import { type AuditReport, runAudit } from '../../lambda/core/run/audit-run';
import { type Clock, systemClock } from '../../lambda/core/shared/ports';
import { type RetentionReport, runRetention } from '../../lambda/core/run/retention-run';
import { schemeFromColumns } from '../../lambda/core/partitions/scheme';
import type { RunPorts } from '../../lambda/core/run/run';
import type { Settings } from '../../lambda/core/run/settings';
import { type StackReader, withStackNames } from './stack-names';
import { type DayWindow, parseIsoDate, utcDay } from '../../lambda/core/shared/dates';
import { show } from '../../lambda/core/shared/names';
import { checkWindow } from '../../lambda/core/run/request';
import { namedDay } from './cli-values';
import * as layout from './layout-options';
import {
  bool,
  StrictCommand,
  examples,
  flagOption,
  str,
  UsageError,
  valueOption,
  type Values,
} from './options';

export interface AuditCommand {
  readonly command: 'audit';
  /** `workgroup` is absent with --repair when the deployed stack is to supply it. */
  readonly settings: Settings;
  readonly window: DayWindow;
  readonly repair: boolean;
  readonly format: 'text' | 'json';
  /** Days of partitions to keep: older ones are reported, and dropped with --repair. */
  readonly retentionDays?: number;
  /** The stack read for the names when --repair is given without --workgroup. */
  readonly stackName: string;
  /** Whether --database and --table were given: the stack's names fill only the others. */
  readonly given: { readonly database: boolean; readonly table: boolean };
}

export function auditDefinition(): StrictCommand {
  const summary =
    'compare days with logs in S3 (past days) with the partitions in Glue: missing, orphaned, covered';
  return new StrictCommand('audit')
    .summary(summary)
    .description(summary)
    .addOption(layout.bucketOption())
    .addOption(layout.prefixOption())
    .addOption(layout.orgIdOption())
    .addOption(layout.accountsOption(false))
    .addOption(layout.regionsOption(false))
    .addOption(layout.fromOption('first day, UTC, or yesterday (required)'))
    .addOption(layout.toOption('last day, inclusive, up to yesterday (required)'))
    .addOption(layout.databaseOption())
    .addOption(layout.tableOption())
    .addOption(valueOption('workgroup', 'NAME', "athena workgroup for --repair (default: the stack's)"))
    .addOption(layout.stackOption())
    .addOption(layout.maxPartitionsOption())
    .addOption(layout.maxConcurrentOption('with --repair; default 18, as run'))
    .addOption(
      layout.retentionOption(
        'also report partitions more than N days before today (UTC); --repair drops them',
      ),
    )
    .addOption(flagOption('repair', 'add the missing partitions through athena'))
    .addOption(valueOption('format', 'FORMAT', 'default text', ['text', 'json']))
    .addHelpText(
      'after',
      '\nexit codes: 0 nothing missing, 1 partitions still missing or the audit failed, 2 bad usage\n' +
        '(orphaned partitions are reported but do not fail it)\n' +
        examples(
          'audit --bucket my-trail --from 2024-01-01 --to yesterday',
          'audit --bucket my-trail --from 2024-01-01 --to 2024-01-31 --repair',
        ),
    );
}

function day(flag: string, text: string | undefined, now: Date): number {
  if (text === undefined) throw new UsageError('missing --from or --to: audit needs both, YYYY-MM-DD');
  const parsed = parseIsoDate(namedDay(text, now));
  if (parsed === undefined)
    throw new UsageError(`invalid ${flag} ${show(text)}: expected a real calendar date YYYY-MM-DD`);
  return parsed;
}

export function parseAudit(values: Values, now: Date): AuditCommand {
  const settings = layout.settingsFrom(values);
  let window: DayWindow;
  try {
    window = { from: day('--from', str(values, 'from'), now), to: day('--to', str(values, 'to'), now) };
    // Partitions from today on are registered before their logs exist: the audit ends yesterday.
    if (window.to >= utcDay(now)) {
      throw new UsageError(
        `invalid --to ${show(str(values, 'to'))}: the audit covers past days, up to yesterday (utc)`,
      );
    }
    checkWindow(window, now, settings);
  } catch (error) {
    throw error instanceof UsageError ? error : new UsageError((error as Error).message);
  }
  const { retentionDays } = settings;
  return {
    command: 'audit',
    settings,
    window,
    repair: bool(values, 'repair'),
    format: (str(values, 'format') ?? 'text') as 'text' | 'json',
    stackName: layout.stackName(values),
    given: layout.namesGiven(values),
    ...(retentionDays !== undefined ? { retentionDays } : {}),
  };
}

export interface AuditIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly now: Date;
  readonly clock?: Clock;
  /** Tests inject ports; the CLI builds them from the SDK's standard configuration. */
  readonly ports?: (settings: Settings) => RunPorts;
  /** Tests: the stack's outputs. */
  readonly stackOutputs?: StackReader;
}

export async function audit(command: AuditCommand, io: AuditIo): Promise<number> {
  const settings = command.repair
    ? await withStackNames(
        command.settings,
        command.stackName,
        command.given,
        io,
        'audit --repair adds partitions through athena',
      )
    : command.settings;
  const clock = io.clock ?? systemClock;
  // Without --repair Athena is never called: the workgroup name is only a placeholder.
  const ports =
    io.ports?.(settings) ?? awsPorts({ ...settings, workgroup: settings.workgroup ?? 'primary' }, clock);
  const report = await runAudit(
    {
      window: command.window,
      accounts: settings.accounts,
      regions: settings.regions,
      repair: command.repair,
    },
    settings,
    ports,
    { now: io.now, tokenSeed: randomUUID() },
  );
  const retention = await retentionCheck({ ...command, settings }, ports, io.now);
  if (command.format === 'json') io.stdout(`${JSON.stringify({ ...report, retention }, null, 2)}\n`);
  else io.stdout(formatAudit(report, command.repair) + (retention ? formatRetention(retention) : ''));
  io.stderr(`audit used ${report.glue.calls} GetPartitions calls in ${report.glue.segments} segments\n`);
  const retentionOk = !retention || (retention.failed === 0 && retention.notDropped === 0);
  return report.ok && retentionOk ? 0 : 1;
}

/**
 * With --retention-days, the partitions past the cutoff: reported, and dropped with --repair
 * (the audit changes the catalog only when asked to, like the missing partitions).
 */
async function retentionCheck(
  command: AuditCommand,
  ports: RunPorts,
  now: Date,
): Promise<RetentionReport | undefined> {
  const { settings, retentionDays } = command;
  if (retentionDays === undefined || !ports.partitions) return undefined;
  const columns = await ports.catalog.getPartitionKeys(settings.database, settings.table);
  const scheme = schemeFromColumns(columns, `${settings.database}.${settings.table}`);
  return runRetention(
    settings,
    scheme,
    retentionDays,
    { partitions: ports.partitions, athena: ports.athena, clock: ports.clock, lifecycle: ports.lifecycle },
    { now, tokenSeed: randomUUID(), dryRun: !command.repair },
  );
}

function formatRetention(r: RetentionReport): string {
  const lines = [
    `retention ${r.retentionDays} days (keeping ${r.keepFrom} on): ${r.expired} expired partitions, ${r.dropped} dropped${r.more ? '; more remain' : ''}`,
  ];
  if (r.failed > 0 || r.notDropped > 0) lines.push(`  ${r.notDropped} expired partitions not dropped`);
  if (r.warning) lines.push(`  warning: ${r.warning}`);
  return `${lines.join('\n')}\n`;
}

export function formatAudit(report: AuditReport, repaired: boolean): string {
  const lines = [
    `${report.window.from}..${report.window.to}: ${report.accountRegions} account-regions, ${report.expected} partitions expected, ${report.covered} covered, ${report.missing} missing, ${report.orphaned.length} orphaned`,
  ];
  if (repaired) lines.push(`repaired ${report.repaired}, still missing ${report.stillMissing}`);
  const ranges = repaired ? report.stillMissingRanges : report.missingRanges;
  for (const range of ranges) {
    lines.push(
      `  missing ${range.account} ${range.region} ${range.from}${range.to === range.from ? '' : `..${range.to}`}`,
    );
  }
  for (const orphan of report.orphaned) {
    const where = orphan.location ?? '(no location)';
    const expected = orphan.expectedLocation ? ` (expected ${orphan.expectedLocation})` : '';
    lines.push(`  orphaned ${orphan.values.join('/')} ${orphan.reason} at ${where}${expected}`);
  }
  for (const reason of report.repairFailures) lines.push(`  repair failed: ${reason}`);
  return `${lines.join('\n')}\n`;
}
