/** fast-check arbitraries for valid inputs, generated from the allow-lists in lambda/core/names. */
import fc from 'fast-check';
import { ACCOUNT_ID, IDENTIFIER, ORG_ID, REGION_NAME, checkBucket } from '../../lambda/core/shared/names';
import { dayOf } from './core-fakes';

export const accountArb = fc.stringMatching(ACCOUNT_ID);

/** Real region names most of the time, anything the allow-list accepts otherwise. */
export const regionArb = fc.oneof(
  fc.constantFrom(
    'us-east-1',
    'eu-west-1',
    'ap-southeast-2',
    'us-gov-west-1',
    'cn-north-1',
    'eusc-de-east-1',
  ),
  fc.stringMatching(REGION_NAME),
);

export const orgIdArb = fc.stringMatching(ORG_ID);

/** Database and table names; kept short so generated statements stay small. */
export const identifierArb = fc.stringMatching(IDENTIFIER).filter((name) => name.length <= 64);

export const bucketArb = fc
  .stringMatching(/^[a-z0-9][a-z0-9.-]{1,30}[a-z0-9]$/)
  .filter((bucket) => checkBucket(bucket) === undefined);

const segmentArb = fc
  .stringMatching(/^[A-Za-z0-9!_.()=+-]{1,10}$/)
  .filter((segment) => !/^\.+$/.test(segment) && segment !== 'AWSLogs');

/** Normalized prefixes: '' or segments joined by single slashes. */
export const prefixArb = fc.array(segmentArb, { maxLength: 3 }).map((segments) => segments.join('/'));

export const EARLIEST = dayOf('2013-11-01');
export const LATEST = dayOf('2040-12-31');

/** Epoch days CloudTrail could have logs for. */
export const dayArb = fc.integer({ min: EARLIEST, max: LATEST });
