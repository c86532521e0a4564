import {
  MAX_ATTEMPTS,
  createAthenaClient,
  createGlueClient,
  createS3Client,
  isTransientFault,
  sdkErrorInfo,
} from '../../lambda/aws/clients';
import { AthenaQueries } from '../../lambda/aws/athena-port';
import { GlueCatalog } from '../../lambda/aws/glue-catalog';
import { S3Listing } from '../../lambda/aws/s3-listing';
import { STANDIN_CREDENTIALS, startStandIn, type StandIn } from '../support/aws-standin';

/** The retry mode the client will really use (its strategy's), whatever form the config took. */
async function retryModeOf(client: { config: { retryStrategy: () => Promise<unknown> } }): Promise<unknown> {
  return ((await client.config.retryStrategy()) as { mode?: unknown }).mode;
}

const ENV_KEYS = [
  'AWS_ENDPOINT_URL',
  'AWS_ENDPOINT_URL_S3',
  'AWS_ENDPOINT_URL_ATHENA',
  'AWS_ENDPOINT_URL_GLUE',
  'AWS_IGNORE_CONFIGURED_ENDPOINT_URLS',
  'AWS_MAX_ATTEMPTS',
  'AWS_RETRY_MODE',
] as const;

describe('client factories', () => {
  const saved: Partial<Record<(typeof ENV_KEYS)[number], string>> = {};
  beforeEach(() => {
    for (const key of ENV_KEYS) {
      saved[key] = process.env[key];
      delete process.env[key];
    }
  });
  afterEach(() => {
    for (const key of ENV_KEYS) {
      if (saved[key] === undefined) delete process.env[key];
      else process.env[key] = saved[key];
    }
  });

  it('configures adaptive retries, attempts per service, and S3 region redirects', async () => {
    // WHEN
    const s3 = createS3Client({ region: 'us-east-1' });
    const athena = createAthenaClient({ region: 'us-east-1' });
    const glue = createGlueClient({ region: 'us-east-1' });
    // THEN
    expect(s3.config.followRegionRedirects).toBe(true);
    expect(s3.config.forcePathStyle).toBe(false);
    expect(await s3.config.maxAttempts()).toBe(MAX_ATTEMPTS.s3);
    expect(await athena.config.maxAttempts()).toBe(MAX_ATTEMPTS.athena);
    expect(await glue.config.maxAttempts()).toBe(5);
    for (const client of [s3, athena, glue]) expect(await retryModeOf(client)).toBe('adaptive');
  });

  it('uses path-style S3 addressing when a custom endpoint comes from the environment or the config', () => {
    // GIVEN / WHEN / THEN
    process.env.AWS_ENDPOINT_URL_S3 = 'http://localhost:4566';
    expect(createS3Client({ region: 'us-east-1' }).config.forcePathStyle).toBe(true);
    delete process.env.AWS_ENDPOINT_URL_S3;
    process.env.AWS_ENDPOINT_URL = 'http://localhost:4566';
    expect(createS3Client({ region: 'us-east-1' }).config.forcePathStyle).toBe(true);
    process.env.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS = 'true';
    expect(createS3Client({ region: 'us-east-1' }).config.forcePathStyle).toBe(false);
    delete process.env.AWS_ENDPOINT_URL;
    expect(
      createS3Client({ region: 'us-east-1', endpoint: 'http://127.0.0.1:1' }).config.forcePathStyle,
    ).toBe(true);
  });

  it('leaves retries to AWS_MAX_ATTEMPTS / AWS_RETRY_MODE when set, and lets explicit config win', async () => {
    // GIVEN
    process.env.AWS_MAX_ATTEMPTS = '2';
    process.env.AWS_RETRY_MODE = 'standard';
    // WHEN
    const fromEnv = createAthenaClient({ region: 'us-east-1' });
    const explicit = createAthenaClient({ region: 'us-east-1', maxAttempts: 9, retryMode: 'adaptive' });
    // THEN
    expect(await fromEnv.config.maxAttempts()).toBe(2);
    expect(await retryModeOf(fromEnv)).toBe('standard');
    expect(await explicit.config.maxAttempts()).toBe(9);
    expect(await retryModeOf(explicit)).toBe('adaptive');
  });

  describe('with AWS_ENDPOINT_URL_<SERVICE> pointing at the stand-in', () => {
    let standIn: StandIn;
    beforeAll(async () => {
      standIn = await startStandIn({ now: () => 0 });
      standIn.putObjects('trail', ['AWSLogs/111/x']);
      standIn.defineTable('db', 't', [{ name: 'day', type: 'string' }]);
    });
    afterAll(() => standIn.close());

    it('sends every client there without an endpoint in the code', async () => {
      // GIVEN only the standard environment variables
      process.env.AWS_ENDPOINT_URL_S3 = standIn.endpoint;
      process.env.AWS_ENDPOINT_URL_ATHENA = standIn.endpoint;
      process.env.AWS_ENDPOINT_URL_GLUE = standIn.endpoint;
      const base = { region: 'us-east-1', credentials: STANDIN_CREDENTIALS };
      const s3 = createS3Client(base);
      const athena = createAthenaClient(base);
      const glue = createGlueClient(base);
      // WHEN each adapter makes a call
      const names = await new S3Listing(s3, 'trail').listChildNames('AWSLogs/');
      const keys = await new GlueCatalog(glue).getPartitionKeys('db', 't');
      const id = await new AthenaQueries(athena, { workGroup: 'wg', database: 'db' }).startQuery(
        "ALTER TABLE t ADD IF NOT EXISTS PARTITION (day='1')",
        'x'.repeat(32),
      );
      // THEN the stand-in served all three
      expect(names).toEqual(['111']);
      expect(keys).toEqual([{ name: 'day', type: 'string' }]);
      expect(standIn.queries().map((q) => q.id)).toEqual([id]);
      for (const c of [s3, athena, glue]) c.destroy();
    });
  });
});

describe('sdkErrorInfo / isTransientFault', () => {
  it('extracts code, status and message from SDK and network errors', () => {
    const sdk = Object.assign(new Error('Rate exceeded'), {
      name: 'ThrottlingException',
      $metadata: { httpStatusCode: 400 },
    });
    const net = Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
    expect(sdkErrorInfo(sdk)).toEqual({ code: 'ThrottlingException', status: 400, message: 'Rate exceeded' });
    expect(sdkErrorInfo(net)).toEqual({ code: 'ECONNRESET', message: 'socket hang up' });
    expect(sdkErrorInfo('boom')).toEqual({ code: 'UnknownError', message: 'boom' });
  });

  it('treats 5xx, timeouts and dropped connections as transient, 4xx as not', () => {
    expect(isTransientFault({ code: 'InternalError', status: 500, message: '' })).toBe(true);
    expect(isTransientFault({ code: 'TimeoutError', message: '' })).toBe(true);
    expect(isTransientFault({ code: 'ECONNRESET', message: '' })).toBe(true);
    expect(isTransientFault({ code: 'InvalidRequestException', status: 400, message: '' })).toBe(false);
  });
});
