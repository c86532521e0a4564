import * as athena from 'aws-cdk-lib/aws-athena';
import { Construct } from 'constructs';
import { composeSql, PRESETS, type Preset } from '../lambda/core/query/presets';
import { lastDaysFilter } from '../lambda/core/query/relative-filter';
import { DEFAULT_LATE_DAYS } from '../lambda/core/query/filter';
import { schemeFromColumns } from '../lambda/core/partitions/scheme';
import { CLOUDTRAIL_PARTITION_KEYS, type SchemaColumn } from '../lambda/core/shared/cloudtrail-schema';

export interface PresetNamedQueriesProps {
  /** The workgroup the queries are saved in (they show under its "Saved queries"). */
  readonly workGroup: athena.CfnWorkGroup;
  readonly databaseName: string;
  readonly tableName: string;
  /**
   * Days the saved partition filter covers, today (UTC) included.
   * @default 7
   */
  readonly lastDays?: number;
  /**
   * Days of folders read after the last day, for records delivered after midnight (CloudTrail
   * files a record under the day its log file was delivered); `eventtime` keeps the range exact.
   * @default 1
   */
  readonly lateDays?: number;
  /**
   * The table's partition keys, which the saved partition filter is written on.
   * @default - account, region, year, month, day (the day-partitioned table this stack creates)
   */
  readonly partitionKeys?: readonly SchemaColumn[];
}

/** The text saved for one preset: a header saying how to change the range, then the statement. */
export function namedQueryText(
  preset: Preset,
  database: string,
  table: string,
  lastDays = 7,
  partitionKeys: readonly SchemaColumn[] = CLOUDTRAIL_PARTITION_KEYS,
  lateDays = DEFAULT_LATE_DAYS,
): string {
  const scheme = schemeFromColumns(partitionKeys);
  const keysFlag =
    scheme.columns.join(',') === 'account,region,year,month,day'
      ? ''
      : ` --partition-keys ${scheme.columns.join(',')}`;
  const params = Object.fromEntries(preset.params.filter((p) => p.required).map((p) => [p.name, p.example]));
  const header = [
    `${preset.name}: ${preset.description}`,
    ...(preset.note ? [preset.note] : []),
    `Range: the last ${lastDays} days, today (UTC) included; folders are read ${lateDays} day(s) further`,
    'for records delivered after midnight, and eventtime keeps the range exact. For another range, replace the',
    'partition filter after WHERE (up to the first "AND" line) with the exact one printed by:',
    `  cloudtrail-partitioner query ${preset.name} --from YYYY-MM-DD --to YYYY-MM-DD --dry-run${keysFlag}`,
    '  (add --accounts a,b and --regions r1,r2 to narrow it further)',
    ...preset.params.map(
      (p) =>
        `Parameter ${p.name}: ${p.description}. ${p.required ? `Replace the example value ${p.example} below.` : `Add it with --param ${p.name}=VALUE.`}`,
    ),
  ];
  return composeSql(
    preset.sql(preset.parse(params)),
    { database, table },
    lastDaysFilter(scheme, lastDays, lateDays),
    header,
  );
}

/** Every preset as an Athena named query in the workgroup, so the console lists them under "Saved queries". */
export class PresetNamedQueries extends Construct {
  public readonly queries: readonly athena.CfnNamedQuery[];

  constructor(scope: Construct, id: string, props: PresetNamedQueriesProps) {
    super(scope, id);
    this.queries = PRESETS.map((preset) => {
      const query = new athena.CfnNamedQuery(this, preset.name, {
        name: `cloudtrail-${preset.name}`,
        description: preset.description.slice(0, 1024),
        database: props.databaseName,
        workGroup: props.workGroup.name,
        queryString: namedQueryText(
          preset,
          props.databaseName,
          props.tableName,
          props.lastDays,
          props.partitionKeys,
          props.lateDays,
        ),
      });
      // The workgroup is named, not referenced: the query must wait for it to exist.
      query.node.addDependency(props.workGroup);
      return query;
    });
  }
}
