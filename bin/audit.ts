/**
 * `cloudtrail-partitioner audit`: compares the days with logs in S3 with the partitions in
 * Glue, prints missing / orphaned / covered, and with --repair adds what is missing. Exit code
 * 1 when anything is missing and not repaired; orphans are reported but do not fail it.
 */
import { randomUUID } from 'node:crypto';
import { awsPorts } from '../lambda/aws/ports';
import { type AuditReport, runAudit } from '../lambda/core/audit-run';
import { type Clock, systemClock } from '../lambda/core/ports';
import type { RunPorts } from '../lambda/core/run';
import type { Settings } from '../lambda/core/settings';
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
  if (command.format === 'json') io.stdout(`${JSON.stringify(report, null, 2)}\n`);
  else io.stdout(formatAudit(report, command.repair));
  io.stderr(`audit used ${report.glue.calls} GetPartitions calls in ${report.glue.segments} segments\n`);
  return report.ok ? 0 : 1;
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
