/**
 * The preset registry and the composer that turns a preset, its parameters and a partition
 * filter into one Trino statement.
 */
import { ZodError } from 'zod';
import { show } from '../../shared/names';
import { trinoTable } from '../trino';
import { accessDenied, consoleLogins, rootActivity, whoDid } from './identity';
import {
  iamChanges,
  kmsKeyChanges,
  s3BucketPolicyChanges,
  securityGroupChanges,
  trailTampering,
} from './changes';
import { whatHappenedTo } from './resource';
import { route53Changes } from './route53';
import type { Preset, PresetSql } from './types';

export type { ParamDoc, Preset, PresetSql } from './types';

export const PRESETS: readonly Preset[] = [
  route53Changes,
  consoleLogins,
  rootActivity,
  iamChanges,
  trailTampering,
  whoDid,
  whatHappenedTo,
  accessDenied,
  securityGroupChanges,
  kmsKeyChanges,
  s3BucketPolicyChanges,
];

export class PresetError extends Error {
  override readonly name = 'PresetError';
}

export function findPreset(name: string): Preset {
  const preset = PRESETS.find((p) => p.name === name);
  if (!preset) {
    throw new PresetError(
      `unknown preset ${show(name)}: expected one of ${PRESETS.map((p) => p.name).join(', ')}`,
    );
  }
  return preset;
}

/** Validates `--param` values for a preset; errors name the parameter and what it expects. */
export function parsePresetParams(
  preset: Preset,
  values: Readonly<Record<string, string>>,
): Readonly<Record<string, string | undefined>> {
  try {
    return preset.parse(values);
  } catch (error) {
    if (!(error instanceof ZodError)) throw error;
    const issue = error.issues[0];
    const known = preset.params.map((p) => p.name).join(', ') || 'none';
    if (issue.code === 'unrecognized_keys') {
      throw new PresetError(`unknown --param ${issue.keys.join(', ')} for ${preset.name}: expected ${known}`);
    }
    const key = String(issue.path[0] ?? '');
    const value = values[key];
    throw new PresetError(
      value === undefined
        ? `missing --param ${key} for ${preset.name}: ${preset.params.find((p) => p.name === key)?.description ?? issue.message}`
        : `invalid --param ${key} ${show(value)} for ${preset.name}: ${issue.message}`,
    );
  }
}

/** One statement: FROM the table, the partition filter first, then the preset's conditions. */
export function composeSql(
  parts: PresetSql,
  table: { readonly database: string; readonly table: string } | { readonly relation: string },
  partitionFilter: string,
  header: readonly string[] = [],
): string {
  const lines = [
    ...header.map((line) => `-- ${line}`),
    'SELECT',
    parts.select.map((column) => `  ${column}`).join(',\n'),
    // A relation is the columnar source's UNION ALL (query/columnar-source.ts), already aliased.
    `FROM ${'relation' in table ? table.relation : trinoTable(table.database, table.table)}`,
    `WHERE ${partitionFilter}`,
    ...parts.where.map((condition) => `  AND ${condition}`),
    ...(parts.groupBy ? [`GROUP BY ${parts.groupBy.join(', ')}`] : []),
    `ORDER BY ${parts.orderBy.join(', ')}`,
  ];
  return lines.join('\n');
}
