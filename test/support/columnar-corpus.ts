/**
 * The public corpus for the columnar copy's tests and scan bench: every record once (by event
 * ID), filed in its delivery folder, and every seventh record moved to the last minutes of its
 * day so that its delivery folder is the next day's: the case a day's conversion must still find.
 */
import { createHash } from 'node:crypto';
import type { FiledEvent } from './duckdb-trino';
import { publicCorpus, type Json } from './public-corpus';

/** A number from an event ID, the same on every run. */
const hashOf = (text: string): number => createHash('sha256').update(text).digest().readUInt32BE(0);

/** `2020-09-14T01:19:40.123Z` → `2020-09-14T01:19:40Z`, CloudTrail's own form. */
const secondForm = (time: string): string => `${time.slice(0, 19)}Z`;

function filed(record: Json, deliveredAt: Date): FiledEvent {
  const identity = (record.userIdentity ?? {}) as Json;
  const iso = deliveredAt.toISOString();
  return {
    record,
    partition: {
      account: String(record.recipientAccountId ?? identity.accountId),
      region: String(record.awsRegion),
      year: iso.slice(0, 4),
      month: iso.slice(5, 7),
      day: iso.slice(8, 10),
    },
  };
}

/** Every record of the corpus once, in its delivery folder, with one in seven delivered after midnight. */
export function corpusWithLateRecords(): FiledEvent[] {
  const seen = new Set<string>();
  return publicCorpus()
    .map((c) => c.record)
    .filter((rec) => typeof rec.eventID === 'string' && typeof rec.eventTime === 'string')
    .filter((rec) => !seen.has(rec.eventID as string) && seen.add(rec.eventID as string))
    .map((rec) => {
      const hash = hashOf(rec.eventID as string);
      const original = secondForm(rec.eventTime as string);
      const late = hash % 7 === 0;
      const eventTime = late
        ? `${original.slice(0, 11)}23:5${hash % 10}:${String(hash % 60).padStart(2, '0')}Z`
        : original;
      const delayMs = (late ? 12 * 60_000 : (3 + (hash % 12)) * 60_000) + (hash % 1000);
      return filed({ ...rec, eventTime }, new Date(Date.parse(eventTime) + delayMs));
    });
}
