/** Which lifecycle rule expires the trail's logs, pure: the adapter hands over the rules it read. */

export interface LifecycleRuleView {
  readonly enabled: boolean;
  /** The rule's key prefix ('' for the whole bucket). */
  readonly prefix: string;
  /** True when a tag or size filter limits the rule to some objects only. */
  readonly narrowed: boolean;
  /** Expiration of current versions, in days after creation. */
  readonly expirationDays?: number;
}

/**
 * The soonest expiration of an enabled, unnarrowed rule that covers every key under `logsRoot`
 * (its prefix is a prefix of the logs root), or undefined when no rule expires all logs.
 */
export function logExpirationDays(rules: readonly LifecycleRuleView[], logsRoot: string): number | undefined {
  const days = rules
    .filter((rule) => rule.enabled && !rule.narrowed && logsRoot.startsWith(rule.prefix))
    .map((rule) => rule.expirationDays)
    .filter((value): value is number => value !== undefined);
  return days.length === 0 ? undefined : Math.min(...days);
}
