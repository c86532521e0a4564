import fc from 'fast-check';
import { PAGE_SIZE, readCatalog, segmentCount } from '../../../lambda/core/catalog/catalog-read';
import {
  type CatalogPort,
  type Clock,
  type PartitionPageRequest,
  PortError,
} from '../../../lambda/core/shared/ports';
import { VirtualClock } from '../../support/core-fakes';

/** A catalog of `size` partitions, split into segments by index, paged by offset tokens. */
function fakeCatalog(size: number, options: { throttleFirst?: number } = {}) {
  const requests: PartitionPageRequest[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  let throttles = options.throttleFirst ?? 0;
  const port: CatalogPort = {
    getPartitionKeys: async () => [],
    getPartitionsPage: async (request) => {
      requests.push(request);
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      await new Promise((resolve) => setImmediate(resolve));
      inFlight--;
      if (throttles > 0) {
        throttles--;
        throw new PortError('throttled', 'glue throttled GetPartitions');
      }
      const total = request.segment?.total ?? 1;
      const number = request.segment?.number ?? 0;
      const mine = Array.from({ length: size }, (_, i) => i).filter((i) => i % total === number);
      const offset = Number(request.nextToken ?? 0);
      const page = mine.slice(offset, offset + request.maxResults);
      const next =
        offset + request.maxResults < mine.length ? String(offset + request.maxResults) : undefined;
      return { partitions: page.map((i) => ({ values: [String(i)] })), ...(next ? { nextToken: next } : {}) };
    },
  };
  return { port, requests, maxInFlight: () => maxInFlight };
}

/** Discrete-event time: a sleep wakes when everything before it has woken, in time order. */
class EventClock implements Clock {
  private time = 0;
  private readonly timers: { at: number; wake: () => void }[] = [];
  now(): number {
    return this.time;
  }
  sleep(ms: number): Promise<void> {
    return new Promise((wake) => {
      this.timers.push({ at: this.time + ms, wake });
      setTimeout(() => this.pump(), 0);
    });
  }
  private pump(): void {
    this.timers.sort((a, b) => a.at - b.at);
    const next = this.timers.shift();
    if (!next) return;
    this.time = Math.max(this.time, next.at);
    next.wake();
  }
}

const options = (expectedPartitions: number) => ({
  database: 'db',
  table: 't',
  expression: "year = '2024'",
  expectedPartitions,
  clock: new VirtualClock(),
});

describe('readCatalog', () => {
  it('reads every partition exactly once across segments and pages, within the concurrency bound', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 25_000 }),
        fc.integer({ min: 1, max: 6 }),
        async (size, concurrency) => {
          // GIVEN a catalog of any size
          const fake = fakeCatalog(size);
          // WHEN read
          const read = await readCatalog(fake.port, { ...options(size), concurrency });
          // THEN nothing lost or doubled, at most `concurrency` calls at once, full pages of 1,000
          expect(read.partitions).toHaveLength(size);
          expect(new Set(read.partitions.map((p) => p.values[0])).size).toBe(size);
          expect(fake.maxInFlight()).toBeLessThanOrEqual(concurrency);
          expect(
            fake.requests.every((r) => r.maxResults === PAGE_SIZE && r.expression === "year = '2024'"),
          ).toBe(true);
          expect(read.calls).toBe(fake.requests.length);
        },
      ),
      { numRuns: 12 },
    );
  });

  it('starts at most 8 calls a second, on the injected clock', async () => {
    // GIVEN 40 pages to read on virtual time
    const clock = new EventClock();
    const fake = fakeCatalog(40_000);
    const starts: number[] = [];
    const port: CatalogPort = {
      ...fake.port,
      getPartitionsPage: (request) => {
        starts.push(clock.now());
        return fake.port.getPartitionsPage!(request);
      },
    };
    // WHEN read with four segments in parallel
    await readCatalog(port, { ...options(40_000), clock, concurrency: 4 });
    // THEN no one-second span holds more than 8 starts, and 40 calls take about 5 s
    for (const start of starts)
      expect(starts.filter((t) => t >= start && t < start + 1000).length).toBeLessThanOrEqual(8);
    expect(starts).toHaveLength(40);
    expect(clock.now()).toBeGreaterThanOrEqual(39 * 125);
  });

  it('uses one segment for a small read and up to ten for a large one', () => {
    expect(segmentCount(0)).toBe(1);
    expect(segmentCount(10_000)).toBe(1);
    expect(segmentCount(10_001)).toBe(2);
    expect(segmentCount(119_000)).toBe(10);
    expect(segmentCount(10_000_000)).toBe(10);
  });

  it('sends no Segment when there is one, and retries a throttled page', async () => {
    const fake = fakeCatalog(1500, { throttleFirst: 2 });
    const read = await readCatalog(fake.port, options(1500));
    expect(read.partitions).toHaveLength(1500);
    expect(fake.requests.every((r) => r.segment === undefined)).toBe(true);
    expect(fake.requests).toHaveLength(4);
  });

  it('refuses a port that cannot read partitions', async () => {
    await expect(readCatalog({ getPartitionKeys: async () => [] }, options(1))).rejects.toThrow(
      /GetPartitions/,
    );
  });
});
