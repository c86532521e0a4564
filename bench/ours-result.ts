/** What one scenario's run of our core reports (bench/results.json, the table). */
export interface OursResult {
  readonly id: string;
  readonly title: string;
  readonly accounts: number;
  readonly regions: number;
  readonly days: number;
  /** Queries in flight per run, as the defaults choose them ("3 × 6" for chunks × per chunk). */
  readonly concurrency: string;
  readonly maxActiveDdl: number;
  readonly objects: number;
  readonly partitions: number;
  readonly statements: number;
  readonly bytesPerStatement: { readonly min: number; readonly avg: number; readonly max: number };
  readonly minStatements: number;
  readonly packingBinding: string;
  readonly packingRatio: number;
  readonly athenaCalls: Record<string, number>;
  readonly s3Calls: number;
  /** The fewest ListObjectsV2 calls the same discovery could make (bench/floor.ts). */
  readonly s3Floor: number;
  readonly s3Ratio: number;
  readonly throttled: {
    readonly standIn: number;
    readonly core: number;
    readonly byOperation: Record<string, number>;
  };
  readonly retried: number;
  readonly failures: number;
  readonly ok: boolean;
  readonly maxConcurrentActive: number;
  readonly simSeconds: number;
  readonly lowerBoundSeconds: number;
  readonly lowerBoundBinding: string;
  readonly lowerBoundAnySplitSeconds: number;
  readonly ratioToLowerBound: number;
  /** Σ over statements of (completion − submission), simulated seconds. */
  readonly secondsWaited: number;
  /** BatchGetQueryExecution + GetQueryExecution calls. */
  readonly statusCalls: number;
  /** Latency samples the runs took from Athena's query history before their first statement. */
  readonly latencyFromHistory: number;
  readonly statusCallsPerStatement: number;
  /** Simulated ms from the last query's end to the run seeing it (the tail). */
  readonly tailMs: number;
  readonly realSeconds: number;
  readonly discoveryRealSeconds: number;
}
