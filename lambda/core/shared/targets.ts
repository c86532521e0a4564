/**
 * The unit every capability hands on: one account and region, and which of its past days to
 * register. Discovery produces targets, planning and the audit consume them, so the type lives
 * here rather than in either.
 */
import type { EpochDay } from './dates';

/** One account and region whose days should be registered. */
export interface Target {
  readonly account: string;
  readonly region: string;
  /** Past days (before today) within the window to register: those holding objects, ascending, or 'all'. */
  readonly pastDays: readonly EpochDay[] | 'all';
}
