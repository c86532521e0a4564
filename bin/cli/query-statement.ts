/** The statement `query` sends (a preset, or the user's SQL with the filter), and the preset list. */
import { readFileSync } from 'node:fs';
import { describeSource, type SourcePlan } from '../../lambda/core/query/columnar-source';
import { composeSql, PRESETS } from '../../lambda/core/query/presets';
import { applyPartitionFilter, QuerySqlError } from '../../lambda/core/query/query-sql';
import { describeRange } from '../../lambda/core/query/relative-range';
import { UsageError } from './options';
import type { QueryRun } from './query-command';

const readSqlFile = (file: string): string => readFileSync(file === '-' ? 0 : file, 'utf8');

/**
 * The statement a run would send, or a UsageError saying why it would not be sent. With a
 * columnar plan, a preset reads the plan's UNION ALL over the copy and the raw table.
 */
export function statementFor(
  run: QueryRun,
  readSql: (file: string) => string = readSqlFile,
  plan?: SourcePlan,
): string {
  if ('preset' in run.statement) {
    const { preset, params } = run.statement;
    const header = [
      `${preset.name}: ${preset.description}`,
      ...(preset.note ? [preset.note] : []),
      `range: ${describeRange(run.window)}`,
      ...(plan ? [`source: ${describeSource(plan)}`] : []),
    ];
    if (plan) return composeSql(preset.sql(params), { relation: plan.relation }, plan.filterSql, header);
    return composeSql(preset.sql(params), run, run.filterSql, header);
  }
  let text: string;
  try {
    text = readSql(run.statement.sqlFile);
  } catch (error) {
    throw new UsageError(`cannot read --sql ${run.statement.sqlFile}: ${(error as Error).message}`);
  }
  try {
    return applyPartitionFilter(text, run.filterSql, run).sql;
  } catch (error) {
    if (error instanceof QuerySqlError)
      throw new UsageError(`--sql ${run.statement.sqlFile}: ${error.message}`);
    throw error;
  }
}

export function listPresets(format: 'table' | 'json'): string {
  if (format === 'json') {
    return `${JSON.stringify(
      PRESETS.map((p) => ({ name: p.name, description: p.description, note: p.note, params: p.params })),
      null,
      2,
    )}\n`;
  }
  return (
    PRESETS.map((p) => {
      const params = p.params.map(
        (d) =>
          `    ${d.required ? '' : '['}${d.name}=VALUE${d.required ? '' : ']'}  ${d.description} (e.g. ${d.example})`,
      );
      return [
        `${p.name}`,
        `    ${p.description}`,
        ...(p.note ? [`    note: ${p.note}`] : []),
        ...params,
      ].join('\n');
    }).join('\n') + '\n'
  );
}
