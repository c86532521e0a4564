/** Shared zod pieces and the one way validation errors are reported. */
import { z } from 'zod';
import { parseIsoDate } from './dates';
import { checkAccount, checkRegion, show } from './names';

export class ValidationError extends Error {
  override readonly name = 'ValidationError';
}

/** Turns zod issues into one lowercase line naming each bad value and what was expected. */
export function describeIssues(
  what: string,
  error: z.ZodError,
  input: unknown,
  labels: Readonly<Record<string, string>> = {},
): string {
  const parts = error.issues.map((issue) => {
    const path = issue.path
      .map((key, i) => (i === 0 ? (labels[String(key)] ?? String(key)) : String(key)))
      .join('.');
    if (issue.code === 'unrecognized_keys') {
      return `unknown ${issue.keys.length > 1 ? 'keys' : 'key'} ${issue.keys.map(show).join(', ')}`;
    }
    const value = valueAt(input, issue.path);
    const where = path === '' ? '' : `${path}: `;
    const got = value === undefined ? '' : ` (got ${show(value)})`;
    return `${where}${issue.message.charAt(0).toLowerCase()}${issue.message.slice(1)}${got}`;
  });
  return `invalid ${what}: ${parts.join('; ')}`;
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let node = input;
  for (const key of path) {
    if (node === null || typeof node !== 'object' || !Object.prototype.hasOwnProperty.call(node, key))
      return undefined;
    node = (node as Record<PropertyKey, unknown>)[key];
  }
  return node;
}

export const isoDate = z
  .string({ error: 'expected a date YYYY-MM-DD' })
  .refine((text) => parseIsoDate(text) !== undefined, { error: 'expected a real calendar date YYYY-MM-DD' });

export const accountId = z
  .string({ error: 'expected a 12-digit account id' })
  .refine((text) => checkAccount(text) === undefined, { error: 'expected a 12-digit account id' });

export const regionName = z
  .string({ error: 'expected a region name such as us-east-1' })
  .refine((text) => checkRegion(text) === undefined, { error: 'expected a region name such as us-east-1' });

/** Unique, non-empty, bounded lists: a typo'd duplicate must not double the work. */
export const accountList = z
  .array(accountId)
  .min(1, { error: 'expected at least one account' })
  .max(10_000, { error: 'expected at most 10000 accounts' })
  .refine((list) => new Set(list).size === list.length, { error: 'expected each account once' });

export const regionList = z
  .array(regionName)
  .min(1, { error: 'expected at least one region' })
  .max(100, { error: 'expected at most 100 regions' })
  .refine((list) => new Set(list).size === list.length, { error: 'expected each region once' });

export function intInRange(name: string, min: number, max: number) {
  return z
    .number({ error: `expected ${name} as a whole number from ${min} to ${max}` })
    .int({ error: `expected ${name} as a whole number from ${min} to ${max}` })
    .min(min, { error: `expected ${name} from ${min} to ${max}` })
    .max(max, { error: `expected ${name} from ${min} to ${max}` });
}

/** Parses comma-separated text into a trimmed list; '' means none. */
export function splitList(text: string | undefined): string[] | undefined {
  if (text === undefined || text.trim() === '') return undefined;
  return text.split(',').map((item) => item.trim());
}
