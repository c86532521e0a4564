/** The ports of the columnar pass (columnar-run.ts) and its upkeep, in a file of their own so neither imports the other's types. */
import type { AthenaPort, CatalogPort, Clock, S3ListingPort } from '../shared/ports';
import type { OutcomeStatus } from '../submit/submit';
import type { RawColumn } from '../columnar/table';
import type { RunLogger } from './run';

/** The copy's Glue table: its parameters (coverage, streaks) and the raw table's columns. */
export interface CopyTablePort {
  /** The table's parameters, or undefined when it does not exist. */
  getParameters(database: string, table: string): Promise<Readonly<Record<string, string>> | undefined>;
  /** Read, change and write the parameters as one optimistic update (retried on a concurrent change). */
  updateParameters(
    database: string,
    table: string,
    change: (before: Readonly<Record<string, string>>) => Record<string, string>,
  ): Promise<void>;
  /** A table's data columns (not its partition keys). */
  getColumns(database: string, table: string): Promise<RawColumn[]>;
}

/** Bytes of every object under a key prefix of the trail bucket. */
export interface PrefixBytesPort {
  prefixBytes(prefix: string): Promise<number>;
}

export interface ColumnarPorts {
  readonly s3: S3ListingPort;
  readonly catalog: CatalogPort;
  readonly athena: AthenaPort;
  readonly clock: Clock;
  readonly copy: CopyTablePort;
  /** Without it, every day is one statement per account (safe for the cutoff, more statements). */
  readonly sizes?: PrefixBytesPort;
  readonly logger?: RunLogger;
}

export interface SubmittedOutcome {
  readonly status: OutcomeStatus;
  readonly reason?: string;
}

/** Runs SQL through the shared submission (tokens, throttling, deadlines) and returns outcomes in order. */
export type Submit = (
  sql: readonly string[],
  step: string,
  startDeadline?: number,
) => Promise<SubmittedOutcome[]>;
