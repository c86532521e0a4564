/**
 * Parses `cloudtrail-partitioner <command> [options]` into a validated command. Every
 * value goes through the same validators as the Lambda's settings and payloads, and any
 * problem is a {@link UsageError} (exit code 2) before anything touches AWS.
 */
import type { DayWindow } from '../../lambda/core/shared/dates';
import { checkAccount, checkRegion, show, STACK_NAME } from '../../lambda/core/shared/names';
import { DEFAULT_STACK_NAME } from '../../lambda/core/shared/contract';
import { parseSplitPayload } from '../../lambda/core/run/request';
import { type PartitionScheme, schemeFromKeyList } from '../../lambda/core/partitions/scheme';
import { DEFAULTS, parseSettings, type Settings } from '../../lambda/core/run/settings';
import { inFlags, integer, LABELS, listFlag, parseWindow, rethrow } from './cli-values';
import {
  type CommandSpec,
  commandHelp,
  type FlagValues,
  orList,
  parseFlags,
  suggest,
  UsageError,
} from './flags';
import { unknownRegionWarnings } from '../../lambda/aws/known-regions';
import { AUDIT_SPEC, BACKFILL_SPEC, COMMANDS, PLAN_SPEC, PROGRAM, RUN_SPEC } from './usage';
import { type AuditCommand, auditCommand } from './audit-args';
import { type QueryCommand, queryCommand } from './query-args';
import { QUERY_SPEC } from './query-spec';

export { UsageError } from './flags';
export { USAGE } from './usage';

export type Format = 'sql' | 'json' | 'text';

export interface PlanCommand {
  /** Printed on stderr: region names the SDK does not know. */
  readonly warnings?: readonly string[];
  readonly command: 'plan';
  readonly settings: Settings;
  readonly window: DayWindow;
  readonly scheme: PartitionScheme;
  readonly discover: boolean;
  readonly includeEmptyDays: boolean;
  readonly format: Format;
}

export interface RunCommand {
  /** Printed on stderr: region names the SDK does not know. */
  readonly warnings?: readonly string[];
  readonly command: 'run';
  readonly settings: Settings & { readonly workgroup: string };
  readonly window: DayWindow;
  readonly includeEmptyDays: boolean;
  readonly dryRun: boolean;
  readonly format: Format;
}

export interface BackfillCommand {
  /** Printed on stderr: region names the SDK does not know. */
  readonly warnings?: readonly string[];
  readonly command: 'backfill';
  /** The state machine's input, validated like the split step will validate it. */
  readonly input: {
    readonly from: string;
    readonly to: string;
    readonly accounts?: readonly string[];
    readonly regions?: readonly string[];
    readonly chunkDays?: number;
    readonly includeEmptyDays?: boolean;
  };
  readonly stackName: string;
  readonly stateMachineArn?: string;
  readonly wait: boolean;
}

export type CliCommand =
  | PlanCommand
  | RunCommand
  | BackfillCommand
  | QueryCommand
  | AuditCommand
  | {
      readonly command: 'help';
      /** One command's help; the overall usage when absent. */ readonly usage?: string;
    };

const COMMAND_NAMES = (): string => orList(COMMANDS.map((c) => c.name));

function findCommand(name: string | undefined, args: readonly string[]): CommandSpec {
  if (name === undefined) throw new UsageError(`missing command: expected ${COMMAND_NAMES()}`);
  const spec = COMMANDS.find((c) => c.name === name);
  if (spec !== undefined) return spec;
  if (name.startsWith('-')) {
    // `--bucket b audit`: the command word is there, in the wrong place.
    const later = args.find((arg) => COMMANDS.some((c) => c.name === arg));
    const first = later ? `; the command comes first, as in ${PROGRAM} ${later} --help` : '';
    throw new UsageError(`missing command: expected ${COMMAND_NAMES()} before ${show(name)}${first}`);
  }
  const near = suggest(
    name,
    COMMANDS.map((c) => c.name),
  );
  throw new UsageError(
    `unknown command ${show(name)}${near ? `; did you mean ${near}?` : ''}: expected ${COMMAND_NAMES()}`,
  );
}

export function parseCli(argv: readonly string[], now: Date): CliCommand {
  const [name, ...args] = argv;
  if (name === '--help' || name === '-h' || name === 'help') return { command: 'help' };
  const spec = findCommand(name, args);
  const others = COMMANDS.filter((c) => c !== spec);
  const values = parseFlags(spec, args, others);
  if (values.help) return { command: 'help', usage: commandHelp(PROGRAM, spec) };
  if (spec === BACKFILL_SPEC) return parseBackfill(values as FlagValues<typeof BACKFILL_SPEC>, now);
  if (spec === PLAN_SPEC || spec === RUN_SPEC)
    return parseSelection(spec === PLAN_SPEC ? 'plan' : 'run', values as Selection, now);
  if (spec === QUERY_SPEC) return queryCommand(values as FlagValues<typeof QUERY_SPEC>);
  if (spec === AUDIT_SPEC) return auditCommand(values as FlagValues<typeof AUDIT_SPEC>, now);
  throw new Error(`command ${spec.name} has no parser in bin/cli-args.ts`);
}

type Selection = FlagValues<typeof PLAN_SPEC> & FlagValues<typeof RUN_SPEC>;

function parseSelection(command: 'plan' | 'run', values: Selection, now: Date): PlanCommand | RunCommand {
  if (values.bucket === undefined) throw new UsageError('missing --bucket: expected the trail bucket name');
  const accounts = listFlag('accounts', values.accounts, checkAccount);
  const regions = listFlag('regions', values.regions, checkRegion);
  const input = Object.fromEntries(
    Object.entries({
      bucket: values.bucket,
      prefix: values.prefix,
      orgId: values['org-id'],
      accounts,
      regions,
      database: values.database,
      table: values.table,
      workgroup: values.workgroup,
      maxPartitionsPerStatement: integer(
        '--max-partitions-per-statement',
        values['max-partitions-per-statement'],
      ),
      maxConcurrentQueries: integer('--max-concurrent-queries', values['max-concurrent-queries']),
      retentionDays: integer('--retention-days', values['retention-days']),
      apiPatienceSeconds: integer('--api-patience-seconds', values['api-patience-seconds']),
    }).filter(([, value]) => value !== undefined),
  );
  const settings = rethrow(() => parseSettings(input, 'options', LABELS));
  const window = parseWindow(values, now, settings);
  const includeEmptyDays = values['include-empty-days'] ?? false;
  const warnings = unknownRegionWarnings(regions ?? [], '--regions entry');
  if (command === 'run') {
    if (settings.workgroup === undefined)
      throw new UsageError('missing --workgroup: run needs the athena workgroup');
    return {
      command,
      settings: { ...settings, workgroup: settings.workgroup },
      window,
      includeEmptyDays,
      dryRun: values['dry-run'] ?? false,
      format: (values.format ?? 'text') as Format,
      warnings,
    };
  }
  const discover = values.discover ?? false;
  if (!discover && (settings.accounts === undefined || settings.regions === undefined)) {
    throw new UsageError(
      'missing --accounts or --regions: plan needs both, or --discover to read them from s3',
    );
  }
  const scheme = rethrow(() =>
    schemeFromKeyList(values['partition-keys'] ?? 'account,region,year,month,day'),
  );
  if (scheme.singleAccount && (settings.accounts?.length ?? 0) > 1) {
    throw new UsageError(
      `invalid --accounts: --partition-keys ${scheme.columns.join(',')} is a single-account table; give exactly one account`,
    );
  }
  const format = (values.format ?? 'sql') as Format;
  return { command, settings, window, scheme, discover, includeEmptyDays, format, warnings };
}

const STATE_MACHINE_ARN = /^arn:aws[a-z-]*:states:[a-z0-9-]+:\d{12}:stateMachine:[A-Za-z0-9_-]{1,80}$/;

function parseBackfill(values: FlagValues<typeof BACKFILL_SPEC>, now: Date): BackfillCommand {
  // The deployed stack knows its layout and limits: other commands' flags are refused by the spec.
  if (values.from === undefined || values.to === undefined) {
    throw new UsageError('missing --from or --to: backfill needs both, YYYY-MM-DD');
  }
  const accounts = listFlag('accounts', values.accounts, checkAccount);
  const regions = listFlag('regions', values.regions, checkRegion);
  const input = {
    from: values.from,
    to: values.to,
    ...(accounts !== undefined ? { accounts } : {}),
    ...(regions !== undefined ? { regions } : {}),
    ...(values['chunk-days'] !== undefined
      ? { chunkDays: integer('--chunk-days', values['chunk-days']) }
      : {}),
    ...(values['include-empty-days'] ? { includeEmptyDays: true } : {}),
  };
  // The same validation the split step runs, so a bad range never starts an execution.
  inFlags(
    () => {
      try {
        parseSplitPayload({ action: 'split', ...input }, now, DEFAULTS);
      } catch (error) {
        // Same words, in the flags the user typed.
        throw new Error(
          (error as Error).message
            .replace(/^invalid split payload: /, 'invalid options: ')
            .replace(/\b(chunkDays|accounts|regions|from|to)([.:])/g, (_m, key: string, end: string) => {
              const flag = key === 'chunkDays' ? 'chunk-days' : key;
              return `--${flag}${end}`;
            }),
          { cause: error },
        );
      }
    },
    { from: '--from', to: '--to' },
  );
  const stackName = values.stack ?? DEFAULT_STACK_NAME;
  if (!STACK_NAME.test(stackName)) {
    throw new UsageError(
      `invalid --stack ${show(stackName)}: expected a letter, then letters, digits or hyphens`,
    );
  }
  const arn = values['state-machine-arn'];
  if (arn !== undefined && !STATE_MACHINE_ARN.test(arn)) {
    throw new UsageError(
      `invalid --state-machine-arn ${show(arn)}: expected arn:aws:states:REGION:ACCOUNT:stateMachine:NAME`,
    );
  }
  const warnings = unknownRegionWarnings(regions ?? [], '--regions entry');
  return { command: 'backfill', input, stackName, stateMachineArn: arn, wait: !values['no-wait'], warnings };
}
