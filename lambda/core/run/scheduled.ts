/**
 * What a scheduled run does after registering its window: one discovery over the trailing days,
 * then the silent-trail check and the catalog audit over it. Pure orchestration over the ports;
 * the Lambda edge turns the result into metrics and log lines.
 */
import { runAudit, type AuditReport, loggedDaysOf } from './audit-run';
import { concurrencyFor } from '../shared/concurrency';
import { retentionCutoff } from '../catalog/retention';
import { utcDay } from '../shared/dates';
import { retryingS3 } from '../submit/retry';
import { resolveTargets, type RunPorts } from './run';
import { DEFAULTS, type Settings } from './settings';
import { findSilentTrails, type SilentTrail } from '../discovery/silent';

export interface ScheduledCheckOptions {
  readonly now: Date;
  readonly tokenSeed: string;
  readonly startDeadline?: number;
  readonly waitDeadline?: number;
  /** Add what is missing. False when the run itself failed: its failures are alarmed already. */
  readonly repair: boolean;
}

export interface ScheduledChecks {
  /** Undefined when the audit is turned off (auditWindowDays 0). */
  readonly audit?: AuditReport;
  readonly silent: readonly SilentTrail[];
  /** Days the check's discovery covered, ending yesterday. */
  readonly days: number;
}

export async function runScheduledChecks(
  settings: Settings,
  ports: RunPorts,
  options: ScheduledCheckOptions,
): Promise<ScheduledChecks> {
  const auditDays = settings.auditWindowDays ?? DEFAULTS.auditWindowDays;
  const silentDays = settings.silentAfterDays ?? DEFAULTS.silentAfterDays;
  // Silence needs the last complete day and the N days before it.
  const days = Math.max(auditDays, silentDays > 0 ? silentDays + 1 : 0);
  if (days === 0) return { silent: [], days };
  const today = utcDay(options.now);
  const targets = await resolveTargets(
    retryingS3(ports.s3, ports.clock),
    settings,
    { window: { from: today - days, to: today - 1 }, includeEmptyDays: false },
    options.now,
  );
  const silent = findSilentTrails(loggedDaysOf(targets), today - 1, silentDays);
  if (auditDays === 0) return { silent, days };
  // Days retention drops are not audited: repairing them would re-add what retention just dropped.
  const keepFrom =
    settings.retentionDays === undefined ? -Infinity : retentionCutoff(today, settings.retentionDays);
  const audit = await runAudit(
    { window: { from: Math.max(today - auditDays, keepFrom), to: today - 1 }, repair: options.repair },
    settings,
    ports,
    { ...options, targets, maxConcurrent: concurrencyFor('scheduled', settings) },
  );
  return { audit, silent, days };
}
