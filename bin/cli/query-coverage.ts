/**
 * The coverage check before a query (and in --dry-run when credentials are found): one Glue
 * GetPartitions listing with the query's own partition expression, compared by
 * lambda/core/query/coverage.ts with the days × account-regions the query selects. Without
 * credentials, or with --offline, it says the coverage was not checked and makes no call.
 */
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { GlueClient } from '@aws-sdk/client-glue';
import { GlueCatalog } from '../../lambda/aws/glue-catalog';
import { unknownRegionWarnings } from '../../lambda/aws/known-regions';
import { checkCoverage, coverageReport } from '../../lambda/core/query/coverage';
import { utcDay } from '../../lambda/core/shared/dates';
import type { QueryRun } from './query-command';

export interface CoverageIo {
  readonly stderr: (text: string) => void;
  readonly glue?: () => GlueClient;
  /** Today (UTC) comes from it. */
  readonly now: Date;
  /** Whether credentials can be found without the network; default: env and ~/.aws files. */
  readonly hasCredentials?: () => boolean;
}

/** Pages read at most (1,000 partitions each): a query selecting more is rare and still checked in part. */
export const MAX_COVERAGE_PAGES = 20;

/** Credentials the SDK would find without asking the instance metadata service (which may hang off AWS). */
export function credentialsFound(env: NodeJS.ProcessEnv = process.env, home = homedir()): boolean {
  if (env.AWS_ACCESS_KEY_ID || env.AWS_PROFILE || env.AWS_WEB_IDENTITY_TOKEN_FILE) return true;
  if (env.AWS_CONTAINER_CREDENTIALS_RELATIVE_URI || env.AWS_CONTAINER_CREDENTIALS_FULL_URI) return true;
  const files = [
    env.AWS_SHARED_CREDENTIALS_FILE ?? join(home, '.aws', 'credentials'),
    env.AWS_CONFIG_FILE ?? join(home, '.aws', 'config'),
  ];
  return files.some((file) => existsSync(file));
}

export type CoverageOutcome = 'complete' | 'incomplete' | 'not-checked';

const say = (io: CoverageIo, line: string): void => io.stderr(`cloudtrail-partitioner: ${line}\n`);

export async function checkQueryCoverage(run: QueryRun, io: CoverageIo): Promise<CoverageOutcome> {
  for (const warning of unknownRegionWarnings(run.regions ?? [], '--regions entry'))
    say(io, `warning: ${warning}`);
  const found = (io.hasCredentials ?? credentialsFound)();
  if (run.offline || !found) {
    say(
      io,
      `coverage not checked (${run.offline ? '--offline' : 'no AWS credentials found'}): days the catalog lacks would return no rows`,
    );
    return 'not-checked';
  }
  const client = io.glue?.() ?? new GlueClient({});
  try {
    const catalog = new GlueCatalog(client);
    const partitions: string[][] = [];
    let nextToken: string | undefined;
    let pages = 0;
    do {
      const page = await catalog.getPartitionsPage({
        database: run.database,
        table: run.table,
        expression: run.partitionExpression,
        maxResults: 1000,
        ...(nextToken ? { nextToken } : {}),
      });
      partitions.push(...page.partitions.map((p) => [...p.values]));
      nextToken = page.nextToken;
      pages++;
    } while (nextToken !== undefined && pages < MAX_COVERAGE_PAGES);
    const coverage = checkCoverage({
      scheme: run.scheme,
      window: run.window,
      lateDays: run.lateDays,
      ...(run.accounts ? { accounts: run.accounts } : {}),
      ...(run.regions ? { regions: run.regions } : {}),
      today: utcDay(io.now),
      partitions,
    });
    const report = coverageReport(coverage);
    for (const line of report) say(io, line);
    if (nextToken !== undefined) say(io, `coverage: checked the first ${pages * 1000} partitions only`);
    return report.length === 0 ? 'complete' : 'incomplete';
  } catch (error) {
    say(io, `coverage not checked: ${(error as Error).message}`);
    return 'not-checked';
  } finally {
    if (!io.glue) client.destroy();
  }
}
