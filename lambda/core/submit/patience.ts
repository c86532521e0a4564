/**
 * How long an operation may keep failing before the run gives up on it. Every wait has an
 * end: without this, a status call answering HTTP 500 forever would poll forever in the CLI,
 * which has no Lambda deadline to stop it.
 */
import type { Clock } from '../shared/ports';

/** Five minutes: longer than any throttling burst or regional blip the SDK's retries meet. */
export const DEFAULT_API_PATIENCE_MS = 5 * 60_000;

export class Patience {
  private readonly since = new Map<string, number>();

  constructor(
    private readonly clock: Clock,
    readonly patienceMs = DEFAULT_API_PATIENCE_MS,
  ) {}

  /** Records a failure of `operation`; true once it has failed without a success for the whole patience. */
  failed(operation: string): boolean {
    const now = this.clock.now();
    const since = this.since.get(operation) ?? now;
    this.since.set(operation, since);
    return now - since >= this.patienceMs;
  }

  succeeded(operation: string): void {
    this.since.delete(operation);
  }

  /** "BatchGetQueryExecution kept failing for 300 s: …" */
  describe(operation: string, error: unknown): string {
    const message = error instanceof Error ? error.message : String(error);
    return `${operation} kept failing for ${Math.round(this.patienceMs / 1000)} s (api patience): ${message}`;
  }
}
