/**
 * Bounded retry of a call that IAM (or Lake Formation) refuses only because a policy or grant
 * created moments before has not reached every endpoint yet: IAM is eventually consistent, and
 * a role's new policy can be refused for seconds to a couple of minutes (aws-cdk issues 37675,
 * 31429, 23340). Pure: the clock is injected and the caller says what "denied" is.
 */
import type { Clock } from './ports';

export interface AccessRetryOptions {
  /** Longest time spent retrying denials, from the first attempt. */
  readonly limitMs: number;
  /** Pause after the first denial; each later pause doubles, up to {@link maxPauseMs}. */
  readonly firstPauseMs: number;
  readonly maxPauseMs: number;
}

/**
 * The deploy-time bound: 150 s, pauses 2, 4, 8, 16, 20, 20, … s. IAM changes usually apply in
 * seconds; two and a half minutes covers the slow tail without holding a failed deploy long.
 */
export const DEPLOY_ACCESS_RETRY: AccessRetryOptions = {
  limitMs: 150_000,
  firstPauseMs: 2_000,
  maxPauseMs: 20_000,
};

/** The pauses a full retry makes, in order: their sum never exceeds `limitMs`. */
export function accessRetryPauses(options: AccessRetryOptions): number[] {
  const pauses: number[] = [];
  let spent = 0;
  for (let pause = options.firstPauseMs; ; pause = Math.min(pause * 2, options.maxPauseMs)) {
    if (pause <= 0 || spent + pause > options.limitMs) return pauses;
    pauses.push(pause);
    spent += pause;
  }
}

/** Raised when the call was still denied at the bound; the message says how long it tried. */
export class StillDeniedError extends Error {
  override readonly name = 'StillDeniedError';
  constructor(
    readonly attempts: number,
    readonly waitedMs: number,
    readonly lastError: unknown,
  ) {
    super(
      `still access denied after ${attempts} attempts over ${Math.round(waitedMs / 1000)} s ` +
        `(retried in case a policy or grant had not reached IAM yet): ${(lastError as Error)?.message ?? String(lastError)}`,
    );
  }
}

/**
 * Calls `call` until it succeeds, fails for another reason than a denial (rethrown as is), or is
 * still denied once the next pause would pass `limitMs` ({@link StillDeniedError}).
 * `onDenied` sees every denial that is retried (for a log line).
 */
export async function retryWhileDenied<T>(
  call: () => Promise<T>,
  isDenied: (error: unknown) => boolean,
  clock: Clock,
  options: AccessRetryOptions = DEPLOY_ACCESS_RETRY,
  onDenied?: (attempt: number, pauseMs: number, error: unknown) => void,
): Promise<T> {
  const pauses = accessRetryPauses(options);
  const start = clock.now();
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      if (!isDenied(error)) throw error;
      const pause = pauses[attempt - 1];
      if (pause === undefined || clock.now() - start + pause > options.limitMs)
        throw new StillDeniedError(attempt, clock.now() - start, error);
      onDenied?.(attempt, pause, error);
      await clock.sleep(pause);
    }
  }
}

/** The AWS error names that mean "not allowed" (IAM, Lake Formation, KMS through the service). */
export const ACCESS_DENIED_NAMES: readonly string[] = [
  'AccessDenied',
  'AccessDeniedException',
  'UnauthorizedOperation',
  'AuthorizationError',
];

/** True for an SDK error whose name (or Code) is one of {@link ACCESS_DENIED_NAMES}. */
export function isAccessDenied(error: unknown): boolean {
  const e = error as { name?: unknown; Code?: unknown; code?: unknown } | undefined;
  return [e?.name, e?.Code, e?.code].some(
    (value) => typeof value === 'string' && ACCESS_DENIED_NAMES.includes(value),
  );
}
