/** `plan`: the statements a run would submit, offline (or with --discover, from the bucket). */
import { createS3Client } from '../../lambda/aws/clients';
import { S3Listing } from '../../lambda/aws/s3-listing';
import { formatWindow, utcDay } from '../../lambda/core/shared/dates';
import { explicitTargets } from '../../lambda/core/discovery/discovery';
import { countPlan } from '../../lambda/core/partitions/plan';
import { plural } from '../../lambda/core/shared/plural';
import { nothingFound, planStatements, resolveTargets } from '../../lambda/core/run/run';
import type { PlanCommand } from './cli-args';
import type { CliIo } from './io';

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
