/** `run`: registers a window's partitions from this machine, through the same core as the function. */
import { randomUUID } from 'node:crypto';
import { unknownRegionWarnings } from '../../lambda/aws/known-regions';
import { awsPorts } from '../../lambda/aws/ports';
import type { DayWindow } from '../../lambda/core/shared/dates';
import { systemClock } from '../../lambda/core/shared/ports';
import { type Report, summarize } from '../../lambda/core/run/report';
import { runPartitions } from '../../lambda/core/run/run';
import type { Settings } from '../../lambda/core/run/settings';
import { parseWindow } from './cli-values';
import type { CliIo } from './io';
import { withStackNames } from './stack-names';
import * as layout from './layout-options';
import { bool, StrictCommand, examples, flagOption, str, valueOption, type Values } from './options';

export interface RunCommand {
  /** Printed on stderr: region names the SDK does not know. */
  readonly warnings?: readonly string[];
  readonly command: 'run';
  /** `workgroup` is absent when the deployed stack is to supply it (with the database and table). */
  readonly settings: Settings;
  readonly window: DayWindow;
  readonly includeEmptyDays: boolean;
  readonly dryRun: boolean;
  readonly format: 'text' | 'json';
  /** The stack read for the names when --workgroup is not given. */
  readonly stackName: string;
  /** Whether --database and --table were given: the stack's names fill only the others. */
  readonly given: { readonly database: boolean; readonly table: boolean };
}

export function runDefinition(): StrictCommand {
  const summary = "discover, read the table's partition keys, run the statements in Athena, wait, summarize";
  return new StrictCommand('run')
    .summary(summary)
    .description(summary)
    .addOption(layout.bucketOption())
    .addOption(layout.prefixOption())
    .addOption(layout.orgIdOption())
    .addOption(layout.accountsOption(false))
    .addOption(layout.regionsOption(false))
    .addOption(layout.dateOption())
    .addOption(layout.fromOption())
    .addOption(layout.toOption())
    .addOption(layout.databaseOption())
    .addOption(layout.tableOption())
    .addOption(
      valueOption(
        'workgroup',
        'NAME',
        "athena workgroup (default: the stack's, with its database and table)",
      ),
    )
    .addOption(layout.stackOption())
    .addOption(layout.maxPartitionsOption())
    .addOption(
      layout.maxConcurrentOption("default 18 (Athena's 20 active-DDL slots less 2 kept for the schedule)"),
    )
    .addOption(
      valueOption('api-patience-seconds', 'N', 'stop when an AWS call keeps failing this long (default 300)'),
    )
    .addOption(layout.includeEmptyOption())
    .addOption(
      layout.retentionOption('also drop partitions more than N days before today, UTC (default: keep all)'),
    )
    .addOption(flagOption('dry-run', 'discover and plan, submit nothing'))
    .addOption(valueOption('format', 'FORMAT', 'default text', ['text', 'json']))
    .addHelpText(
      'after',
      examples(
        'run --bucket my-trail --date yesterday',
        'run --bucket my-trail --from 2024-01-01 --to 2024-01-31 --workgroup my-workgroup --dry-run',
      ),
    );
}

export function parseRun(values: Values, now: Date): RunCommand {
  const settings = layout.settingsFrom(values);
  return {
    command: 'run',
    settings,
    window: parseWindow(values as { date?: string; from?: string; to?: string }, now, settings),
    includeEmptyDays: bool(values, 'include-empty-days'),
    dryRun: bool(values, 'dry-run'),
    format: (str(values, 'format') ?? 'text') as 'text' | 'json',
    stackName: layout.stackName(values),
    given: layout.namesGiven(values),
    warnings: unknownRegionWarnings(settings.regions ?? [], '--regions entry'),
  };
}

export async function run(command: RunCommand, io: CliIo): Promise<number> {
  const settings = await withStackNames(
    command.settings,
    command.stackName,
    command.given,
    io,
    'run needs the athena workgroup',
  );
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
