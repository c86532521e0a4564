/**
 * One local HTTP server that real SDK v3 clients talk to for S3, Athena and Glue.
 * JSON 1.1 requests carry X-Amz-Target ("AmazonAthena.*", "AWSGlue.*"); anything
 * without it is S3 REST-XML. Signatures are not checked; only the SigV4 credential
 * scope is read, to know which region an S3 request was signed for.
 */
import { handleCloudFormation, isCloudFormation, queryError, StackStore } from './cloudformation';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { AthenaSim, type QueryInfo } from './athena';
import { AthenaSelectSim } from './athena-select';
import { Faults } from './faults';
import {
  GlueCatalogStore,
  handleGlue,
  type CatalogPartition,
  type PartitionKeyDef,
  type TableExtras,
} from './glue';
import { ServiceError, jsonError, xmlError, type WireResponse } from './protocol';
import {
  SimClock,
  TokenBucket,
  emptyStats,
  resolveQuotas,
  type Operation,
  type QuotaOptions,
  type StandInStats,
} from './quota-model';
import { S3Store, handleS3, type BucketOptions } from './s3';

export interface StandInOptions {
  /** Real ms per simulated ms (default 1). 0.01 runs simulated time 100× faster. */
  readonly timeScale?: number;
  /** Real clock in ms (default Date.now); inject one to drive time by hand. */
  readonly now?: () => number;
  /** Overrides of {@link DEFAULT_QUOTAS}; `rates` merges per operation (null disables one). */
  readonly quotas?: Partial<QuotaOptions>;
  /** Interface to listen on (default 127.0.0.1); the port is always picked by the OS. */
  readonly host?: string;
  /** Region put in {@link StandIn.clientConfig} (default us-east-1). */
  readonly region?: string;
}

/** Static credentials: the stand-in ignores signatures, the SDK only needs something to sign with. */
export const STANDIN_CREDENTIALS = { accessKeyId: 'test', secretAccessKey: 'test' } as const;

export interface StandIn {
  /** http://127.0.0.1:PORT */
  readonly endpoint: string;
  readonly port: number;
  /** Spread into any SDK client config: `new AthenaClient({ ...standIn.clientConfig, maxAttempts: 1 })`. */
  readonly clientConfig: {
    readonly endpoint: string;
    readonly region: string;
    readonly credentials: { readonly accessKeyId: string; readonly secretAccessKey: string };
  };
  readonly quotas: QuotaOptions;
  readonly clock: SimClock;
  readonly faults: Faults;
  /** SELECT queries: canned results (`respond`), polls and pages served. */
  readonly selects: AthenaSelectSim;
  createBucket(name: string, options?: BucketOptions): void;
  putObjects(bucket: string, keys: Iterable<string>): void;
  /** Objects with sizes in bytes, for listings that sum them (query's cost estimate). */
  putSizedObjects(bucket: string, objects: Iterable<readonly [string, number]>): void;
  /** A deployed stack and its outputs, for CloudFormation DescribeStacks. */
  putStack(name: string, outputs: Readonly<Record<string, string>>): void;
  objectCount(bucket: string): number;
  defineTable(
    database: string,
    table: string,
    partitionKeys: readonly PartitionKeyDef[],
    location?: string,
    extra?: TableExtras,
  ): void;
  /** Sets (undefined: removes) a table's Glue parameters, as UpdateTable would. */
  setTableParameters(database: string, table: string, parameters: Record<string, string | undefined>): void;
  dropTable(database: string, table: string): void;
  /** Pre-existing partitions for a test; returns how many were new. */
  seedPartitions(database: string, table: string, partitions: readonly CatalogPartition[]): number;
  /** Deletes partitions by their values, as a person would by hand; returns how many existed. */
  removePartitions(database: string, table: string, values: readonly (readonly string[])[]): number;
  /** Partitions in the catalog now (finished DDL applied), sorted by values. */
  partitions(database: string, table: string): CatalogPartition[];
  /** Every query accepted so far, with its simulated timeline. */
  queries(): QueryInfo[];
  /** Queued + running queries now. */
  activeQueries(): number;
  /** Resolves once no query is queued or running (waits real time per timeScale). */
  idle(): Promise<void>;
  /** A snapshot of the counters. */
  stats(): StandInStats;
  resetStats(): void;
  close(): Promise<void>;
}

export async function startStandIn(options: StandInOptions = {}): Promise<StandIn> {
  const clock = new SimClock(options.timeScale ?? 1, options.now ?? Date.now);
  const quotas = resolveQuotas(options.quotas);
  const stats = emptyStats();
  const faults = new Faults(clock);
  const store = new S3Store();
  const stacks = new StackStore();
  const catalog = new GlueCatalogStore(() => clock.now());
  const rates: Partial<Record<Operation, TokenBucket>> = {};
  for (const [op, limit] of Object.entries(quotas.rates) as [Operation, QuotaOptions['rates'][Operation]][]) {
    if (limit) rates[op] = new TokenBucket(limit, clock);
  }
  const athena = new AthenaSim({ clock, quotas, catalog, faults, stats, rates });
  const selects = new AthenaSelectSim();

  const route = (req: http.IncomingMessage, body: string): WireResponse => {
    const target = req.headers['x-amz-target'];
    if (typeof target !== 'string' && isCloudFormation(req.method ?? 'GET', body)) {
      try {
        return handleCloudFormation(body, stacks);
      } catch (e) {
        if (e instanceof ServiceError) return queryError(e);
        throw e;
      }
    }
    if (typeof target !== 'string') {
      const url = new URL(req.url ?? '/', 'http://stand-in');
      try {
        return handleS3(
          { method: req.method ?? 'GET', url, headers: req.headers },
          { store, faults, stats, rate: rates.ListObjectsV2 },
        );
      } catch (e) {
        if (e instanceof ServiceError) return xmlError(e);
        throw e;
      }
    }
    try {
      const [service, operation = ''] = target.split('.');
      let input: Record<string, unknown>;
      try {
        input = body === '' ? {} : (JSON.parse(body) as Record<string, unknown>);
      } catch {
        throw new ServiceError(400, 'SerializationException', 'request body is not JSON');
      }
      if (service === 'AmazonAthena' && selects.claims(operation, input))
        return selects.handle(operation, input);
      if (service === 'AmazonAthena') return athena.handle(operation, input);
      if (service === 'AWSGlue')
        return handleGlue(operation, input, {
          catalog,
          faults,
          stats,
          rate: rates.GetTable,
          partitionsRate: rates.GetPartitions,
          epochMs: (ms) => clock.epochMs(ms),
        });
      throw new ServiceError(400, 'UnknownOperationException', `the stand-in does not serve ${target}`);
    } catch (e) {
      if (e instanceof ServiceError) return jsonError(e);
      throw e;
    }
  };

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      let response: WireResponse;
      try {
        response = route(req, Buffer.concat(chunks).toString('utf8'));
      } catch (e) {
        response = {
          status: 500,
          headers: { 'content-type': 'text/plain' },
          body: `stand-in bug: ${String(e)}`,
        };
      }
      res.writeHead(response.status, {
        ...response.headers,
        'content-length': Buffer.byteLength(response.body),
      });
      res.end(response.body);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, options.host ?? '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const endpoint = `http://${options.host ?? '127.0.0.1'}:${port}`;

  return {
    endpoint,
    port,
    clientConfig: {
      endpoint,
      region: options.region ?? 'us-east-1',
      credentials: { ...STANDIN_CREDENTIALS },
    },
    quotas,
    clock,
    faults,
    selects,
    createBucket: (name, bucketOptions) => store.createBucket(name, bucketOptions),
    putObjects: (bucket, keys) => store.putObjects(bucket, keys),
    putSizedObjects: (bucket, objects) => store.putSizedObjects(bucket, objects),
    putStack: (name, outputs) => stacks.putStack(name, outputs),
    objectCount: (bucket) => store.keyCount(bucket),
    defineTable: (database, table, keys, location, extra) =>
      catalog.defineTable(database, table, keys, location, extra),
    setTableParameters: (database, table, parameters) =>
      catalog.setTableParameters(database, table, parameters),
    dropTable: (database, table) => catalog.dropTable(database, table),
    seedPartitions: (database, table, partitions) => catalog.addPartitions(database, table, partitions),
    removePartitions: (database, table, values) => {
      athena.advance();
      return catalog.removePartitions(database, table, values);
    },
    partitions: (database, table) => {
      athena.advance();
      return catalog.partitions(database, table);
    },
    queries: () => {
      athena.advance();
      return athena.queries().map((q) => ({ ...q }));
    },
    activeQueries: () => {
      athena.advance();
      return athena.activeCount();
    },
    idle: async () => {
      for (;;) {
        athena.advance();
        const next = athena.nextEventAt();
        if (next === undefined) return;
        const before = clock.now();
        const waitMs = Math.max(1, Math.ceil(clock.toRealMs(next - before)));
        await new Promise((resolve) => setTimeout(resolve, waitMs));
        if (clock.now() === before) {
          throw new Error(
            'stand-in idle(): the injected clock does not move; use standIn.clock.advance() instead',
          );
        }
      }
    },
    stats: () => {
      athena.advance();
      return structuredClone({ ...stats, busySimMs: athena.busySimMs() });
    },
    resetStats: () => {
      athena.advance();
      Object.assign(stats, emptyStats());
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        // Keep-alive sockets from SDK clients would hold close() open until they time out.
        server.closeAllConnections();
      }),
  };
}
