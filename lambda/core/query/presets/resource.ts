/** Presets about one resource. */
import { definePreset, EVENT_COLUMNS, lit, param } from './types';

/**
 * The name an ARN's resource goes by in API calls: the last path segment (`user/path/NAME`,
 * `trail/NAME`), the part after a `type:` (`function:NAME`), or the whole resource (a bucket).
 */
export function nameFromArn(arn: string): string | undefined {
  const parts = arn.split(':');
  if (parts.length < 6 || parts[0] !== 'arn') return undefined;
  const resource = parts.slice(5).join(':');
  const name = resource.includes('/')
    ? resource.slice(resource.lastIndexOf('/') + 1)
    : parts.length > 6
      ? parts[6]
      : resource;
  return name === '' || name === '*' ? undefined : name;
}

/** A regular expression matching `text` literally (the allow-list leaves `+ . *` to escape). */
const regexText = (text: string): string => text.replace(/[+.*]/g, (c) => `\\${c}`);

/** The value as a whole JSON string, or a whole word of free text, in any of the event's text fields. */
function mentions(value: string): string[] {
  // The allow-list keeps quotes and backslashes out, so the value is its own JSON encoding.
  const json = lit(`"${value}"`);
  const word = lit(`(^|[^A-Za-z0-9+=,.@_/:-])${regexText(value)}($|[^A-Za-z0-9+=,.@_-])`);
  return [
    `strpos(requestparameters, ${json}) > 0`,
    `strpos(responseelements, ${json}) > 0`,
    `regexp_like(errormessage, ${word})`,
  ];
}

export const whatHappenedTo = definePreset({
  name: 'what-happened-to',
  description:
    'every event that names one resource: by ARN in its resources, and by ARN or name (derived from the ARN) in request parameters, response elements and error messages',
  note: 'A name matches a whole JSON value (prod does not match prod-2); a name derived from an ARN also matches a resource of that name in another account or of another type.',
  shape: { resource: param.arnOrName },
  docs: {
    resource: {
      description: 'an ARN, or a name or ID as the API takes it',
      example: 'arn:aws:s3:::my-bucket',
    },
  },
  sql: (p) => {
    const name = p.resource.startsWith('arn:') ? nameFromArn(p.resource) : undefined;
    const values = name !== undefined && name !== p.resource ? [p.resource, name] : [p.resource];
    return {
      select: [...EVENT_COLUMNS, 'requestparameters'],
      where: [
        `(${[`cardinality(filter(resources, r -> r.arn = ${lit(p.resource)})) > 0`, ...values.flatMap(mentions)].join(' OR ')})`,
      ],
      orderBy: ['eventtime'],
    };
  },
});
