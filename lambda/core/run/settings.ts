/**
 * Deployment settings: where the logs are, which table to fill, and the limits a run
 * respects. The Lambda reads them from its environment at cold start; the CLI from flags.
 * Both go through {@link parseSettings}, so both refuse the same values with the same words.
 */
import { z } from 'zod';
import { DEFAULT_MAX_PARTITIONS_PER_STATEMENT, DEFAULT_MAX_STATEMENT_BYTES } from '../partitions/ddl';
import { type Layout, makeLayout } from '../partitions/layout';
import { checkBucket, checkIdentifier, checkOrgId, normalizePrefix } from '../shared/names';
import { accountList, describeIssues, intInRange, regionList, ValidationError } from '../shared/validation';
import { ENV } from '../shared/contract';
import { defaultBackfillConcurrency } from '../shared/concurrency';
import { DEFAULT_API_PATIENCE_MS } from '../submit/patience';

export interface Settings {
  readonly layout: Layout;
  readonly database: string;
  readonly table: string;
  /** Athena workgroup; only needed to run statements. */
  readonly workgroup?: string;
  /** Fixed accounts, or undefined to discover them in S3. */
  readonly accounts?: readonly string[];
  /** Fixed regions, or undefined to discover them per account in S3. */
  readonly regions?: readonly string[];
  readonly lookbackDays: number;
  readonly maxPartitionsPerStatement: number;
  readonly maxStatementBytes: number;
  readonly maxConcurrentQueries: number;
  /** Longest window one request may ask for. */
  readonly maxRangeDays: number;
  /** Partitions whose day is more than this many days before today are dropped; undefined keeps all. */
  readonly retentionDays?: number;
  /** Past days the scheduled run audits and repairs; 0 turns the audit off. @default 7 */
  readonly auditWindowDays?: number;
  /** A trail that delivered within this many days before yesterday, but not yesterday, is silent; 0 turns it off. @default 3 */
  readonly silentAfterDays?: number;
  /** Chunks the Step Functions backfill runs at once; each takes its part of maxConcurrentQueries. */
  readonly backfillMaxConcurrency: number;
  /** Seconds a start, status, S3 or Glue call may keep failing before the run stops. */
  readonly apiPatienceSeconds: number;
  /** Keep the columnar copy (`<table>_columnar`): the scheduled run converts due days into it. */
  readonly columnarCopy?: boolean;
  /** `s3://bucket/prefix/` of the copy's data; required with columnarCopy. */
  readonly columnarLocation?: string;
  /** Raw bytes one conversion statement may read (the sizing's budget). */
  readonly columnarStatementBytes?: number;
}

export const DEFAULTS = {
  database: 'cloudtrail',
  table: 'cloudtrail_logs',
  lookbackDays: 1,
  maxPartitionsPerStatement: DEFAULT_MAX_PARTITIONS_PER_STATEMENT,
  /** A backfill's share of the active-DDL quota: 20 less the scheduled run's 2. */
  maxConcurrentQueries: defaultBackfillConcurrency(),
  /** Twenty years: CloudTrail started in November 2013. */
  maxRangeDays: 7305,
  auditWindowDays: 7,
  silentAfterDays: 3,
  backfillMaxConcurrency: 3,
  apiPatienceSeconds: DEFAULT_API_PATIENCE_MS / 1000,
} as const;

const refineWith =
  (check: (value: string) => string | undefined) => (value: string, ctx: z.RefinementCtx) => {
    const error = check(value);
    if (error) ctx.addIssue({ code: 'custom', message: error.replace(/^invalid [a-z ]+ ".*?": /, '') });
  };

const settingsSchema = z.strictObject({
  bucket: z.string({ error: 'expected the trail bucket name' }).superRefine(refineWith(checkBucket)),
  prefix: z
    .string()
    .superRefine(
      refineWith((value) => {
        const result = normalizePrefix(value);
        return 'error' in result ? result.error : undefined;
      }),
    )
    .optional(),
  orgId: z.string().superRefine(refineWith(checkOrgId)).optional(),
  database: z
    .string()
    .superRefine(refineWith((value) => checkIdentifier('database', value)))
    .default(DEFAULTS.database),
  table: z
    .string()
    .superRefine(refineWith((value) => checkIdentifier('table', value)))
    .default(DEFAULTS.table),
  workgroup: z
    .string()
    .regex(/^[a-zA-Z0-9._-]{1,128}$/, {
      error: 'expected 1 to 128 letters, digits, dots, hyphens or underscores',
    })
    .optional(),
  accounts: accountList.optional(),
  regions: regionList.optional(),
  lookbackDays: intInRange('lookback days', 0, 90).default(DEFAULTS.lookbackDays),
  maxPartitionsPerStatement: intInRange('partitions per statement', 1, 5000).default(
    DEFAULTS.maxPartitionsPerStatement,
  ),
  maxConcurrentQueries: intInRange('concurrent queries', 1, 20).default(DEFAULTS.maxConcurrentQueries),
  backfillMaxConcurrency: intInRange('backfill chunks at once', 1, 20).default(
    DEFAULTS.backfillMaxConcurrency,
  ),
  apiPatienceSeconds: intInRange('api patience seconds', 10, 3600).default(DEFAULTS.apiPatienceSeconds),
  maxRangeDays: intInRange('range days', 1, 7305).default(DEFAULTS.maxRangeDays),
  retentionDays: intInRange('retention days', 1, 7305).optional(),
  auditWindowDays: intInRange('audit window days', 0, 90).default(DEFAULTS.auditWindowDays),
  silentAfterDays: intInRange('silent after days', 0, 30).default(DEFAULTS.silentAfterDays),
  columnarCopy: z.boolean({ error: 'expected true or false' }).optional(),
  columnarLocation: z
    .string()
    .regex(/^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]\/([A-Za-z0-9_.-]+\/)*$/, {
      error: 'expected s3://bucket/prefix/ ending in /',
    })
    .optional(),
  columnarStatementBytes: z
    .number({ error: 'expected a whole number of bytes' })
    .int({ error: 'expected a whole number of bytes' })
    .min(1024 ** 2, { error: 'expected at least 1048576 bytes' })
    .optional(),
});

/**
 * Validates settings. `labels` names each field as the user wrote it (an environment
 * variable, a CLI flag), so the error points at what to fix.
 */
export function parseSettings(
  input: unknown,
  what = 'settings',
  labels: Readonly<Record<string, string>> = {},
): Settings {
  const parsed = settingsSchema.safeParse(input);
  if (!parsed.success) throw new ValidationError(describeIssues(what, parsed.error, input, labels));
  const { bucket, prefix, orgId, ...rest } = parsed.data;
  if (rest.columnarCopy === true && rest.columnarLocation === undefined)
    throw new ValidationError(
      `invalid ${what}: ${labels.columnarCopy ?? 'columnarCopy'} is true but ${labels.columnarLocation ?? 'columnarLocation'} is not set: expected the copy's s3://bucket/prefix/`,
    );
  return {
    ...rest,
    layout: makeLayout({ bucket, prefix, orgId }),
    maxStatementBytes: DEFAULT_MAX_STATEMENT_BYTES,
  };
}

const ENV_LABELS: Record<string, string> = {
  bucket: ENV.trailBucket,
  prefix: ENV.trailPrefix,
  orgId: ENV.orgId,
  database: ENV.database,
  table: ENV.table,
  workgroup: ENV.workgroup,
  accounts: ENV.accounts,
  regions: ENV.regions,
  lookbackDays: ENV.lookbackDays,
  maxPartitionsPerStatement: ENV.maxPartitionsPerStatement,
  maxConcurrentQueries: ENV.maxConcurrentQueries,
  maxRangeDays: ENV.maxRangeDays,
  retentionDays: ENV.retentionDays,
  auditWindowDays: ENV.auditWindowDays,
  silentAfterDays: ENV.silentAfterDays,
  backfillMaxConcurrency: ENV.backfillMaxConcurrency,
  apiPatienceSeconds: ENV.apiPatienceSeconds,
  columnarCopy: ENV.columnarCopy,
  columnarLocation: ENV.columnarLocation,
  columnarStatementBytes: ENV.columnarStatementBytes,
};

/** Reads settings from the environment variables the construct sets. Numbers must be plain integers. */
export function settingsFromEnv(env: Record<string, string | undefined>): Settings {
  const text = (name: string): string | undefined =>
    env[name] === undefined || env[name] === '' ? undefined : env[name];
  const number = (name: string): number | string | undefined => {
    const value = text(name);
    return value !== undefined && /^-?\d+$/.test(value) ? Number(value) : value;
  };
  // 'true'/'false' become booleans; anything else reaches zod as a string and is refused by name.
  const flag = (name: string): boolean | string | undefined => {
    const value = text(name);
    return value === 'true' ? true : value === 'false' ? false : value;
  };
  const list = (name: string): string[] | undefined =>
    text(name)
      ?.split(',')
      .map((item) => item.trim());
  const input = {
    bucket: text(ENV.trailBucket),
    prefix: text(ENV.trailPrefix),
    orgId: text(ENV.orgId),
    database: text(ENV.database),
    table: text(ENV.table),
    workgroup: text(ENV.workgroup),
    accounts: list(ENV.accounts),
    regions: list(ENV.regions),
    lookbackDays: number(ENV.lookbackDays),
    maxPartitionsPerStatement: number(ENV.maxPartitionsPerStatement),
    maxConcurrentQueries: number(ENV.maxConcurrentQueries),
    maxRangeDays: number(ENV.maxRangeDays),
    retentionDays: number(ENV.retentionDays),
    auditWindowDays: number(ENV.auditWindowDays),
    silentAfterDays: number(ENV.silentAfterDays),
    backfillMaxConcurrency: number(ENV.backfillMaxConcurrency),
    apiPatienceSeconds: number(ENV.apiPatienceSeconds),
    columnarCopy: flag(ENV.columnarCopy),
    columnarLocation: text(ENV.columnarLocation),
    columnarStatementBytes: number(ENV.columnarStatementBytes),
  };
  const defined = Object.fromEntries(Object.entries(input).filter(([, value]) => value !== undefined));
  return parseSettings(defined, 'lambda environment', ENV_LABELS);
}
