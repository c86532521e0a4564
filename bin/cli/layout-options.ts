/**
 * The options that describe the trail's layout and the table, shared by plan, run and audit,
 * and their values as validated {@link Settings}: the same validation as the Lambda's settings.
 */
import type { Option } from 'commander';
import { checkAccount, checkRegion, show, STACK_NAME } from '../../lambda/core/shared/names';
import { DEFAULT_STACK_NAME } from '../../lambda/core/shared/contract';
import { parseSettings, type Settings } from '../../lambda/core/run/settings';
import { integer, LABELS, listFlag, rethrow } from './cli-values';
import { flagOption, str, UsageError, valueOption, type Values } from './options';

export const bucketOption = (): Option => valueOption('bucket', 'NAME', 'trail bucket (required)');
export const prefixOption = (): Option =>
  valueOption('prefix', 'P', 'key prefix before AWSLogs/ (default: none)');
export const orgIdOption = (): Option =>
  valueOption('org-id', 'o-xxxxxxxxxx', 'organization id, for organization trails');
export const listOption = (name: 'accounts' | 'regions', help: string): Option =>
  valueOption(name, name === 'accounts' ? 'a,b' : 'r1,r2', help);
export const accountsOption = (required: boolean): Option =>
  listOption(
    'accounts',
    `12-digit account ids ${required ? '(required without --discover)' : '(default: discovered in S3)'}`,
  );
export const regionsOption = (required: boolean): Option =>
  listOption(
    'regions',
    `region names ${required ? '(required without --discover)' : '(default: discovered in S3)'}`,
  );
export const dateOption = (): Option =>
  valueOption(
    'date',
    'YYYY-MM-DD',
    'one day, UTC, or today/yesterday (default: yesterday to tomorrow, the scheduled run window)',
  );
export const fromOption = (help = 'first day, UTC, with --to (also today or yesterday)'): Option =>
  valueOption('from', 'YYYY-MM-DD', help);
export const toOption = (help = 'last day, inclusive, with --from (also today or yesterday)'): Option =>
  valueOption('to', 'YYYY-MM-DD', help);
export const databaseOption = (): Option => valueOption('database', 'NAME', 'default cloudtrail');
export const tableOption = (): Option => valueOption('table', 'NAME', 'default cloudtrail_logs');
export const maxPartitionsOption = (): Option =>
  valueOption('max-partitions-per-statement', 'N', 'default none: statements are bound by bytes (261,120)');
export const maxConcurrentOption = (help: string): Option => valueOption('max-concurrent-queries', 'N', help);
export const retentionOption = (help: string): Option => valueOption('retention-days', 'N', help);
export const includeEmptyOption = (): Option =>
  flagOption('include-empty-days', 'register past days even when S3 holds no logs for them');
export const stackOption = (): Option =>
  valueOption('stack', 'NAME', 'the deployed stack (default CloudTrailPartitioner)');

/**
 * The settings the layout options give, validated like the function's; `workgroup` passed in when
 * known. `--bucket` is required by every command that reads the layout.
 */
export function settingsFrom(values: Values, overrides: { readonly workgroup?: string } = {}): Settings {
  if (str(values, 'bucket') === undefined)
    throw new UsageError('missing --bucket: expected the trail bucket name');
  const input = Object.fromEntries(
    Object.entries({
      bucket: str(values, 'bucket'),
      prefix: str(values, 'prefix'),
      orgId: str(values, 'org-id'),
      accounts: listFlag('accounts', str(values, 'accounts'), checkAccount),
      regions: listFlag('regions', str(values, 'regions'), checkRegion),
      database: str(values, 'database'),
      table: str(values, 'table'),
      workgroup: overrides.workgroup ?? str(values, 'workgroup'),
      maxPartitionsPerStatement: integer(
        '--max-partitions-per-statement',
        str(values, 'max-partitions-per-statement'),
      ),
      maxConcurrentQueries: integer('--max-concurrent-queries', str(values, 'max-concurrent-queries')),
      retentionDays: integer('--retention-days', str(values, 'retention-days')),
      apiPatienceSeconds: integer('--api-patience-seconds', str(values, 'api-patience-seconds')),
    }).filter(([, value]) => value !== undefined),
  );
  return rethrow(() => parseSettings(input, 'options', LABELS));
}

/** `--stack`, checked: the deployed stack whose outputs name the workgroup, database and table. */
export function stackName(values: Values): string {
  const name = str(values, 'stack') ?? DEFAULT_STACK_NAME;
  if (!STACK_NAME.test(name))
    throw new UsageError(`invalid --stack ${show(name)}: expected a letter, then letters, digits or hyphens`);
  return name;
}

/** Which of the names the stack also supplies were typed. */
export const namesGiven = (values: Values): { database: boolean; table: boolean } => ({
  database: str(values, 'database') !== undefined,
  table: str(values, 'table') !== undefined,
});
