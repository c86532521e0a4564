/** Presets about one resource. */
import { definePreset, EVENT_COLUMNS, lit, param } from './types';

export const whatHappenedTo = definePreset({
  name: 'what-happened-to',
  description: 'every event that names one resource (ARN or name) in its resources or request parameters',
  shape: { resource: param.arnOrName },
  docs: {
    resource: {
      description: 'an ARN, or a name or ID as the API takes it',
      example: 'arn:aws:s3:::my-bucket',
    },
  },
  sql: (p) => ({
    select: [...EVENT_COLUMNS, 'requestparameters'],
    where: [
      // A name matches a whole JSON string value, so `prod` does not match `prod-2`; the allow-list
      // keeps quotes and backslashes out, so the value is its own JSON encoding.
      `(cardinality(filter(resources, r -> r.arn = ${lit(p.resource)})) > 0 OR strpos(requestparameters, ${lit(`"${p.resource}"`)}) > 0)`,
    ],
    orderBy: ['eventtime'],
  }),
});
