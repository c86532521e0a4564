/**
 * What discovery could not read or did not find, as the report carries it and the summary
 * words it. An unreadable account fails the run; a configured account or region with no
 * folder in S3 is a warning.
 */
import type { Discovery } from './discovery';

export interface DiscoveryNotes {
  /** Accounts S3 refused to list, with its reason: their partitions were not registered. */
  readonly unreadableAccounts?: Discovery['unreadable'];
  /** Configured accounts S3 has no folder for. */
  readonly missingAccounts?: readonly string[];
  /** Configured regions S3 has no folder for, with the accounts lacking them. */
  readonly missingRegions?: Discovery['missingRegions'];
}

export function discoveryNotes(found: Discovery): DiscoveryNotes {
  return {
    ...(found.unreadable.length > 0 ? { unreadableAccounts: found.unreadable } : {}),
    ...(found.missingAccounts.length > 0 ? { missingAccounts: found.missingAccounts } : {}),
    ...(found.missingRegions.length > 0 ? { missingRegions: found.missingRegions } : {}),
  };
}

/** "account 333333333333; region eu-wset-1 (2 accounts)" */
export function describeMissing(notes: DiscoveryNotes): string {
  const accounts = (notes.missingAccounts ?? []).map((account) => `account ${account}`);
  const regions = (notes.missingRegions ?? []).map(
    (m) =>
      `region ${m.region} (${m.accounts.length === 1 ? `account ${m.accounts[0]}` : `${m.accounts.length} accounts`})`,
  );
  return [...accounts, ...regions].join('; ');
}

/** The summary's tail: what discovery could not read or did not find. */
export function summarizeNotes(notes: DiscoveryNotes): string {
  const parts: string[] = [];
  if (notes.unreadableAccounts) {
    parts.push(
      `unreadable accounts (access denied): ${notes.unreadableAccounts.map((u) => u.account).join(', ')}`,
    );
  }
  if (notes.missingAccounts || notes.missingRegions) parts.push(`no s3 folder for ${describeMissing(notes)}`);
  return parts.length > 0 ? `; ${parts.join('; ')}` : '';
}
