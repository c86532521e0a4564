/** The Route 53 preset: record changes, matched on any change of a batch. */
import { z } from 'zod';
import { definePreset, EVENT_COLUMNS, lit, litList, param } from './types';

/** One change of the batch, by its 0-based index `i` (an SQL expression). */
const change = (i: string, path: string): string =>
  `json_extract_scalar(requestparameters, concat('$.changeBatch.changes[', CAST(${i} AS varchar), ']${path}'))`;
const CHANGES = "json_array_length(json_extract(requestparameters, '$.changeBatch.changes'))";

/**
 * Indexes of the changes that match, in batch order. `sequence(0, n - 1)` counts down when n is
 * 0, so it is clamped to [0]; a missing change then has no name, type or action.
 */
function matchingChanges(conditions: readonly string[]): string {
  const all = `sequence(0, greatest(coalesce(${CHANGES}, 0) - 1, 0))`;
  return conditions.length === 0 ? all : `filter(${all}, i -> ${conditions.join(' AND ')})`;
}

export const route53Changes = definePreset({
  name: 'route53-changes',
  description:
    'who changed Route 53 records (ChangeResourceRecordSets): any change of a batch, by name, type and action',
  note: 'Route 53 is a global service: it logs in us-east-1, so --regions defaults to us-east-1. A batch matches when any of its changes does; action, record_name, record_type and record_values are those of the first matching change, matching_changes counts them, and requestparameters shows the whole batch.',
  defaultRegions: ['us-east-1'],
  shape: {
    name: param.dnsName.optional(),
    type: z
      .enum([
        'A',
        'AAAA',
        'CAA',
        'CNAME',
        'DS',
        'HTTPS',
        'MX',
        'NAPTR',
        'NS',
        'PTR',
        'SOA',
        'SPF',
        'SRV',
        'SSHFP',
        'SVCB',
        'TLSA',
        'TXT',
      ])
      .optional(),
    action: z.enum(['CREATE', 'DELETE', 'UPSERT']).optional(),
  },
  docs: {
    name: { description: 'record name, with or without the final dot', example: 'www.mydomain.com.' },
    type: { description: 'record type: A, AAAA, CNAME, MX, TXT, ...', example: 'A' },
    action: { description: 'CREATE, DELETE or UPSERT', example: 'CREATE' },
  },
  sql: (p) => {
    const name = p.name === undefined ? undefined : p.name.toLowerCase().replace(/\.$/, '');
    const matching = matchingChanges([
      ...(name !== undefined
        ? [`lower(${change('i', '.resourceRecordSet.name')}) IN (${litList([name, `${name}.`])})`]
        : []),
      ...(p.type ? [`${change('i', '.resourceRecordSet.type')} = ${lit(p.type)}`] : []),
      ...(p.action ? [`${change('i', '.action')} = ${lit(p.action)}`] : []),
    ]);
    const first = `element_at(${matching}, 1)`;
    return {
      select: [
        ...EVENT_COLUMNS,
        'useridentity.accountid AS principal_account',
        'useridentity.sessioncontext.attributes.creationdate AS session_created',
        "json_extract_scalar(requestparameters, '$.hostedZoneId') AS hosted_zone",
        `${change(first, '.action')} AS action`,
        `${change(first, '.resourceRecordSet.name')} AS record_name`,
        `${change(first, '.resourceRecordSet.type')} AS record_type`,
        // The values as JSON: resource records, or the alias target of an alias record.
        `json_format(coalesce(json_extract(requestparameters, concat('$.changeBatch.changes[', CAST(${first} AS varchar), '].resourceRecordSet.resourceRecords')), json_extract(requestparameters, concat('$.changeBatch.changes[', CAST(${first} AS varchar), '].resourceRecordSet.aliasTarget')))) AS record_values`,
        `cardinality(${matching}) AS matching_changes`,
        'requestparameters',
        'useragent',
      ],
      where: [
        "eventsource = 'route53.amazonaws.com'",
        "eventname = 'ChangeResourceRecordSets'",
        ...(name !== undefined || p.type || p.action ? [`cardinality(${matching}) > 0`] : []),
      ],
      orderBy: ['eventtime'],
    };
  },
});
