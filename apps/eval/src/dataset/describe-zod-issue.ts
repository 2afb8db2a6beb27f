import type { z } from 'zod';

/** A zod issue said the way a person fixing a data file needs it: which field, what is wrong. */
export interface IssueDescription {
  /** Dotted path such as `turns[2].role`; undefined when the whole value is wrong. */
  field: string | undefined;
  /** What was expected and what was found, e.g. `expected "user" or "agent", got "bot"`. */
  detail: string;
}

/**
 * Describes a zod issue with the offending value when the schema was parsed with
 * `{ reportInput: true }` (zod leaves the input out of issues otherwise).
 *
 * @example
 * ```ts
 * const result = schema.safeParse(value, { reportInput: true });
 * if (!result.success) describeZodIssue(result.error.issues[0]!); // { field: 'turns[2].role', detail: … }
 * ```
 */
export function describeZodIssue(issue: z.core.$ZodIssue): IssueDescription {
  const path = [...issue.path];
  let detail: string;
  switch (issue.code) {
    case 'invalid_type':
      detail =
        issue.input === undefined
          ? `missing; expected ${article(issue.expected)}`
          : `expected ${article(issue.expected)}, got ${typeName(issue.input)}`;
      break;
    case 'invalid_value':
      detail = `expected ${alternatives(issue.values)}, got ${show(issue.input)}`;
      break;
    case 'invalid_union':
      if (issue.discriminator !== undefined) {
        // zod 4 puts the discriminator in the path but the whole object in `input`.
        if (path.at(-1) !== issue.discriminator) path.push(issue.discriminator);
        const options = 'options' in issue && issue.options ? issue.options : [];
        const value = isRecord(issue.input) ? issue.input[issue.discriminator] : undefined;
        detail =
          value === undefined
            ? `missing; expected ${alternatives(options)}`
            : `expected ${alternatives(options)}, got ${show(value)}`;
      } else {
        const expected = [
          ...new Set(
            issue.errors.flatMap((branch) =>
              branch.flatMap((inner) =>
                inner.code === 'invalid_type' && inner.path.length === 0 ? [inner.expected] : [],
              ),
            ),
          ),
        ];
        detail =
          expected.length > 0
            ? `expected ${expected.map(article).join(' or ')}, got ${typeName(issue.input)}`
            : `${issue.message}, got ${show(issue.input)}`;
      }
      break;
    case 'too_small':
      if (issue.origin === 'string' && Number(issue.minimum) <= 1) detail = 'must not be empty';
      else if (issue.origin === 'array')
        detail = `needs at least ${issue.minimum} ${Number(issue.minimum) === 1 ? 'item' : 'items'}`;
      else detail = `must be at least ${issue.minimum}, got ${show(issue.input)}`;
      break;
    case 'too_big':
      detail =
        issue.origin === 'array'
          ? `has more than ${issue.maximum} items`
          : `must be at most ${issue.maximum}, got ${show(issue.input)}`;
      break;
    case 'unrecognized_keys':
      detail = `unknown ${issue.keys.length === 1 ? 'key' : 'keys'} ${issue.keys.map((key) => JSON.stringify(key)).join(', ')}`;
      break;
    case 'invalid_format':
      detail = issue.input === undefined ? issue.message : `${issue.message}, got ${show(issue.input)}`;
      break;
    default:
      detail = issue.message;
  }
  return { field: path.length === 0 ? undefined : formatFieldPath(path), detail };
}

/**
 * Writes a zod path the way JavaScript would address it: `['turns', 2, 'role']` → `turns[2].role`.
 */
export function formatFieldPath(path: readonly PropertyKey[]): string {
  let text = '';
  for (const key of path) {
    if (typeof key === 'number') text += `[${key}]`;
    else if (typeof key === 'string' && /^[A-Za-z_$][\w$-]*$/.test(key))
      text += text === '' ? key : `.${key}`;
    else text += `[${JSON.stringify(String(key))}]`;
  }
  return text;
}

function alternatives(values: readonly unknown[]): string {
  const shown = values.map(show);
  if (shown.length <= 1) return shown[0] ?? 'nothing';
  return `${shown.slice(0, -1).join(', ')} or ${shown.at(-1)}`;
}

function article(type: string): string {
  return type === 'array' || type === 'object' || type === 'int' ? `an ${type}` : `a ${type}`;
}

function show(value: unknown): string {
  if (typeof value === 'string') {
    const shown = value.length > 40 ? `${value.slice(0, 40)}…` : value;
    return JSON.stringify(shown);
  }
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return String(value);
  return typeName(value);
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') return `a string (${show(value)})`;
  if (typeof value === 'number' || typeof value === 'boolean') return `${typeof value} ${value}`;
  return typeof value;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
