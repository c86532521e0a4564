/** `plan`: the statements a run would submit, offline (or with --discover, from the bucket). */
import { createS3Client } from '../../lambda/aws/clients';
import { unknownRegionWarnings } from '../../lambda/aws/known-regions';
import { S3Listing } from '../../lambda/aws/s3-listing';
import { type DayWindow, formatWindow, utcDay } from '../../lambda/core/shared/dates';
import { explicitTargets } from '../../lambda/core/discovery/discovery';
import { countPlan } from '../../lambda/core/partitions/plan';
import { type PartitionScheme, schemeFromKeyList } from '../../lambda/core/partitions/scheme';
import { plural } from '../../lambda/core/shared/plural';
import { nothingFound, planStatements, resolveTargets } from '../../lambda/core/run/run';
import type { Settings } from '../../lambda/core/run/settings';
import { parseWindow, rethrow } from './cli-values';
import type { CliIo } from './io';
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

export interface PlanCommand {
  /** Printed on stderr: region names the SDK does not know. */
  readonly warnings?: readonly string[];
  readonly command: 'plan';
  readonly settings: Settings;
  readonly window: DayWindow;
  readonly scheme: PartitionScheme;
  readonly discover: boolean;
  readonly includeEmptyDays: boolean;
  readonly format: 'sql' | 'json';
}

export function planDefinition(): StrictCommand {
  return new StrictCommand('plan')
    .summary('print the statements for a day or range, without touching AWS (--discover reads S3)')
    .description('print the statements for a day or range, without touching AWS (--discover reads S3)')
    .addOption(layout.bucketOption())
    .addOption(layout.prefixOption())
    .addOption(layout.orgIdOption())
    .addOption(layout.accountsOption(true))
    .addOption(layout.regionsOption(true))
    .addOption(layout.dateOption())
    .addOption(layout.fromOption())
    .addOption(layout.toOption())
    .addOption(layout.databaseOption())
    .addOption(layout.tableOption())
    .addOption(valueOption('partition-keys', 'k1,k2', 'default account,region,year,month,day'))
    .addOption(layout.maxPartitionsOption())
    .addOption(layout.includeEmptyOption())
    .addOption(
      flagOption(
        'discover',
        'read accounts, regions and empty days from S3 (read-only: what a deploy would do)',
      ),
    )
    .addOption(valueOption('format', 'FORMAT', 'default sql', ['sql', 'json']))
    .addHelpText(
      'after',
      examples(
        'plan --bucket my-trail --accounts 111122223333 --regions us-east-1 --date yesterday',
        'plan --bucket my-trail --discover --from 2024-01-01 --to 2024-01-31 --format json',
      ),
    );
}

export function parsePlan(values: Values, now: Date): PlanCommand {
  const settings = layout.settingsFrom(values);
  const window = parseWindow(values as { date?: string; from?: string; to?: string }, now, settings);
  const discover = bool(values, 'discover');
  if (!discover && (settings.accounts === undefined || settings.regions === undefined)) {
    throw new UsageError(
      'missing --accounts or --regions: plan needs both, or --discover to read them from s3',
    );
  }
  const keys = str(values, 'partition-keys') ?? 'account,region,year,month,day';
  const scheme = rethrow(() => schemeFromKeyList(keys));
  if (scheme.singleAccount && (settings.accounts?.length ?? 0) > 1) {
    throw new UsageError(
      `invalid --accounts: --partition-keys ${scheme.columns.join(',')} is a single-account table; give exactly one account`,
    );
  }
  return {
    command: 'plan',
    settings,
    window,
    scheme,
    discover,
    includeEmptyDays: bool(values, 'include-empty-days'),
    format: (str(values, 'format') ?? 'sql') as 'sql' | 'json',
    warnings: unknownRegionWarnings(settings.regions ?? [], '--regions entry'),
  };
}

export async function plan(command: PlanCommand, io: CliIo): Promise<number> {
  const { settings, window, scheme } = command;
  const today = utcDay(io.now);
  const targets = command.discover
    ? await resolveTargets(
        new S3Listing(createS3Client(), settings.layout.bucket),
        settings,
        { window, includeEmptyDays: command.includeEmptyDays },
        io.now,
      )
    : explicitTargets(settings.accounts ?? [], settings.regions ?? []);
  // Like run: a bucket location holding no account is a wrong --org-id or --prefix, not 0 partitions.
  if (command.discover && targets.length === 0) throw nothingFound(settings);
  const counts = countPlan(targets, window, today, scheme.granularity);
  const statements = planStatements(settings, scheme, targets, window, today);
  let count = 0;
  if (command.format === 'sql') {
    for (const statement of statements) {
      io.stdout(`${statement.sql};\n\n`);
      count++;
    }
  } else {
    // Streamed one statement at a time, so a ten-year plan never sits in memory whole.
    io.stdout(
      `{"window":${JSON.stringify(formatWindow(window))},"partitionKeys":${JSON.stringify(scheme.columns)},"statements":[`,
    );
    for (const statement of statements) {
      const partitions = statement.partitions.map((partition) => ({
        values: Object.fromEntries(scheme.columns.map((column) => [column, partition[column]])),
        location: partition.location,
      }));
      io.stdout(
        `${count > 0 ? ',' : ''}\n${JSON.stringify({ sql: statement.sql, bytes: statement.bytes, partitions })}`,
      );
      count++;
    }
    io.stdout(`\n],"partitions":${counts.partitions},"skippedEmpty":${counts.skippedEmpty}}\n`);
  }
  // Without --discover nothing is known about S3, so nothing can have been skipped.
  const skipped = command.discover ? ` (${plural(counts.skippedEmpty, 'empty past day')} skipped)` : '';
  io.stderr(`${plural(counts.partitions, 'partition')} in ${plural(count, 'statement')}${skipped}\n`);
  return 0;
}
