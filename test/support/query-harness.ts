/** Builds `query` statements through the CLI's own parsing, for the preset and filter tests. */
import { TrinoSQL } from 'dt-sql-parser';
import type { QueryRun } from '../../bin/cli/query-command';
import { parseCli } from '../../bin/cli/program';
import { statementFor } from '../../bin/cli/query';

const trino = new TrinoSQL();

/** Syntax errors from the Trino grammar; [] when it accepts the input. */
export function trinoErrors(sql: string): string[] {
  return trino.validate(sql).map((e) => e.message);
}

export function trinoStatementCount(sql: string): number {
  return trino.splitSQLByStatement(sql)?.length ?? -1;
}

export interface Built {
  readonly run: QueryRun;
  readonly sql: string;
}

/** `query NAME --from --to --dry-run [--param k=v]... [extra flags]`, parsed and rendered. */
export function buildPreset(
  name: string,
  range: { from: string; to: string },
  params: Record<string, string> = {},
  extra: readonly string[] = [],
): Built {
  const argv = [
    name,
    '--from',
    range.from,
    '--to',
    range.to,
    '--dry-run',
    ...Object.entries(params).flatMap(([k, v]) => ['--param', `${k}=${v}`]),
    ...extra,
  ];
  const command = parseCli(['query', ...argv], new Date());
  if (command.command !== 'query') throw new Error(`not a query: ${command.command}`);
  return { run: command, sql: statementFor(command) };
}
