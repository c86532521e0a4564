/**
 * Discovery's notes folded into the run's report and logs: an unreadable account fails the
 * run (so the alarm fires) after every other account was registered; a configured account
 * or region with no folder in S3 is logged as a warning.
 */
import { type DiscoveryNotes, describeMissing } from '../discovery/discovery-notes';
import type { Report } from './report';

export { discoveryNotes } from '../discovery/discovery-notes';

/** Structured warnings, as Powertools' Logger provides them. */
interface WarnLogger {
  warn(message: string, extra: Record<string, unknown>): void;
}

export function logDiscoveryNotes(notes: DiscoveryNotes, logger: WarnLogger | undefined): void {
  if (notes.unreadableAccounts) {
    logger?.warn(`accounts unreadable: ${notes.unreadableAccounts.map((u) => u.account).join(', ')}`, {
      unreadableAccounts: notes.unreadableAccounts,
    });
  }
  if (notes.missingAccounts || notes.missingRegions) {
    logger?.warn(`configured but not in s3: ${describeMissing(notes)}`, {
      missingAccounts: notes.missingAccounts ?? [],
      missingRegions: notes.missingRegions ?? [],
    });
  }
}

/** A report that also carries the notes; an unreadable account makes it fail. */
export function withDiscoveryNotes(report: Report, notes: DiscoveryNotes): Report {
  return { ...report, ...notes, ok: report.ok && notes.unreadableAccounts === undefined };
}
