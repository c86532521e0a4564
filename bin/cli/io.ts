/** What every command writes to and reads from: the process's streams and clock, or a test's. */
import type { Clock } from '../../lambda/core/shared/ports';
import type { ExecutionsPort } from './backfill';
import type { QueryIo } from './query';
import type { StackReader } from './stack-names';

export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly now: Date;
  /** stderr is a terminal. */
  readonly interactive?: boolean;
  /** Overrides for tests: the Step Functions side of `backfill`, and the clock it polls with. */
  readonly executions?: () => ExecutionsPort;
  readonly clock?: Clock;
  /** For tests with `executions`: the region named in backfill's error messages. */
  readonly region?: string;
  /** Overrides for tests of `query`: the Athena client, the SQL file reader, the poll interval. */
  readonly query?: Partial<QueryIo>;
  /** Tests: the deployed stack's outputs, instead of CloudFormation. */
  readonly stackOutputs?: StackReader;
}
