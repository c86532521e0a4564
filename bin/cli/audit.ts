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
import type { AuditCommand } from './audit-args';

export interface AuditIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly now: Date;
  readonly clock?: Clock;
  /** Tests inject ports; the CLI builds them from the SDK's standard configuration. */
  readonly ports?: (settings: Settings) => RunPorts;
}

export async function audit(command: AuditCommand, io: AuditIo): Promise<number> {
  const { settings } = command;
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
  const retention = await retentionCheck(command, ports, io.now);
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
