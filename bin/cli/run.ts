/** `run`: registers a window's partitions from this machine, through the same core as the function. */
import { randomUUID } from 'node:crypto';
import { awsPorts } from '../../lambda/aws/ports';
import { systemClock } from '../../lambda/core/shared/ports';
import { type Report, summarize } from '../../lambda/core/run/report';
import { runPartitions } from '../../lambda/core/run/run';
import type { RunCommand } from './cli-args';
import type { CliIo } from './io';

export async function run(command: RunCommand, io: CliIo): Promise<number> {
  const { settings } = command;
  const report = await runPartitions(
    {
      kind: 'backfill',
      window: command.window,
      dryRun: command.dryRun,
      includeEmptyDays: command.includeEmptyDays,
    },
    settings,
    awsPorts(settings, systemClock),
    {
      now: io.now,
      tokenSeed: randomUUID(),
      // --retention-days: this run drops too (otherwise only scheduled runs do).
      retentionDays: settings.retentionDays,
      // Progress goes to stderr: stdout keeps only the result, so it can be piped.
      onProgress: (p) => {
        const line = `${p.statementsDone} statements done, ${p.partitionsAdded}/${p.partitions} partitions added${p.failed > 0 ? `, ${p.failed} failed` : ''}`;
        io.stderr(io.interactive ? `\r${line}\u001b[K` : `${line}\n`);
      },
    },
  );
  if (command.format === 'json') io.stdout(`${JSON.stringify(report, null, 2)}\n`);
  else {
    io.stdout(`${summarize(report)}\n`);
    if (report.retention) io.stdout(`${summarizeRetention(report.retention)}\n`);
    for (const failure of report.failures) {
      io.stdout(
        `  statement ${failure.index} ${failure.status} (${failure.partitions} partitions, ${failure.attempts} attempts): ${failure.reason}\n`,
      );
    }
  }
  return report.ok ? 0 : 1;
}

function summarizeRetention(r: NonNullable<Report['retention']>): string {
  const what = `retention ${r.retentionDays} days (keeping ${r.keepFrom} on): ${r.expired} expired partitions, ${r.dropped} dropped in ${r.statements} statements`;
  return [what, r.more ? 'more remain for the next run' : '', r.warning ?? '']
    .filter((part) => part !== '')
    .join('; ');
}
