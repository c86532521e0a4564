/**
 * The scan bench's synthetic corpus: real records of the public corpus as templates, each copy
 * with a new event ID, account, region, time, request ID, source IP and varied identifiers.
 */
import type { EpochDay } from '../lambda/core/shared/dates';
import type { FiledEvent } from '../test/support/duckdb-trino';

/** A seeded PRNG (mulberry32), so the synthetic corpus is the same on every run. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const randomHex = (next: () => number, length: number): string =>
  Array.from({ length }, () => Math.floor(next() * 16).toString(16)).join('');

const REGIONS = ['us-east-1', 'us-west-2', 'eu-west-1', 'ap-southeast-2'];

/**
 * Events shaped like the real ones: each a real record of the public corpus with a new event
 * ID, account, region and time. Read-only calls (Describe/List/Get/…, as most of a real trail's
 * traffic is) are drawn twenty times as often as the rest.
 */
export function* syntheticDays(
  templates: readonly FiledEvent[],
  total: number,
  days: number,
  first: EpochDay,
) {
  const next = random(18);
  const readOnly = (e: FiledEvent): boolean =>
    e.record.readOnly === true || /^(Describe|List|Get|Head|Lookup)/.test(String(e.record.eventName));
  const weighted = templates.flatMap((t) => Array<FiledEvent>(readOnly(t) ? 20 : 1).fill(t));
  const accounts = Array.from({ length: 20 }, (_, i) => String(111111111111 + i * 7919));
  const perDay = Math.ceil(total / days);
  let id = 0;
  for (let d = 0; d < days; d++) {
    const batch: FiledEvent[] = [];
    for (let i = 0; i < perDay; i++) {
      const template = weighted[Math.floor(next() * weighted.length)];
      const account = accounts[Math.floor(next() * accounts.length)];
      const region = REGIONS[Math.floor(next() * REGIONS.length)];
      const ms = (first + d) * 86_400_000 + Math.floor(next() * 86_400) * 1000;
      const eventTime = `${new Date(ms).toISOString().slice(0, 19)}Z`;
      const delivered = new Date(ms + (3 + Math.floor(next() * 12)) * 60_000).toISOString();
      // Identifiers inside the request vary per event, as real ones do: a copy of one template
      // string a million times would flatter Parquet's dictionary encoding.
      const vary = (value: unknown): unknown =>
        value === undefined
          ? undefined
          : JSON.parse(JSON.stringify(value).replace(/[0-9a-f]{6,}/g, (m) => randomHex(next, m.length)));
      const record = {
        ...template.record,
        requestParameters: vary(template.record.requestParameters),
        responseElements: vary(template.record.responseElements),
        requestID: randomHex(next, 32),
        sourceIPAddress: `${Math.floor(next() * 223) + 1}.${Math.floor(next() * 256)}.${Math.floor(next() * 256)}.${Math.floor(next() * 256)}`,
        eventID: `00000000-0000-4000-8000-${String(id++).padStart(12, '0')}`,
        eventTime,
        awsRegion: region,
        recipientAccountId: account,
        userIdentity: { ...((template.record.userIdentity as object) ?? {}), accountId: account },
      };
      batch.push({
        record,
        partition: {
          account,
          region,
          year: delivered.slice(0, 4),
          month: delivered.slice(5, 7),
          day: delivered.slice(8, 10),
        },
      });
    }
    yield batch;
  }
}
