import { z } from 'zod';
import { DatasetError, EvalError } from '../eval-error.js';
import { describeZodIssue } from './describe-zod-issue.js';

/**
 * The fields a CSV column can feed. The first eight are the canonical CSV columns (one row per
 * turn); `reference` switches to single-turn mode (one row per conversation: a question and its
 * answer, as in FAQ exports).
 */
export const csvFields = [
  'conversation_id',
  'turn',
  'role',
  'text',
  'domain',
  'intent',
  'language',
  'draft',
  'nuggets',
  'reference',
] as const;

/** A field a CSV column can feed. */
export type CsvField = (typeof csvFields)[number];

const columnName = z.string().refine((name) => name.trim() !== '', { message: 'must not be empty' });

/**
 * Which column of the user's CSV feeds which field. A field left out reads the column of the same
 * name when the header has one; `null` ignores that column even if it exists.
 *
 * Mapping `reference` selects single-turn mode: each row becomes one conversation of a user turn
 * (`text`, `domain`, `intent`, `language`) and the agent turn `reference` (with `draft` as the bot's
 * draft of it), its id taken from `conversation_id` or generated from the row number.
 */
export const columnMappingSchema = z
  .strictObject(
    Object.fromEntries(csvFields.map((field) => [field, columnName.nullable().optional()])) as {
      [Field in CsvField]: z.ZodOptional<z.ZodNullable<typeof columnName>>;
    },
  )
  .superRefine((mapping, context) => {
    if (typeof mapping.reference === 'string') {
      for (const field of ['role', 'turn'] as const) {
        if (typeof mapping[field] === 'string') {
          context.addIssue({
            code: 'custom',
            path: [field],
            message: 'a single-turn mapping (one with `reference`) has no role or turn column',
          });
        }
      }
    }
    const owners = new Map<string, string>();
    for (const field of csvFields) {
      const column = mapping[field];
      if (typeof column !== 'string') continue;
      const owner = owners.get(column);
      if (owner !== undefined) {
        context.addIssue({
          code: 'custom',
          path: [field],
          message: `column ${JSON.stringify(column)} is already mapped to ${owner}`,
        });
      }
      owners.set(column, field);
    }
  });

/** A validated column mapping. */
export type ColumnMapping = z.output<typeof columnMappingSchema>;

/** Separator of several domains in one CSV cell, e.g. `billing|orders`. */
export const domainSeparator = '|';

/**
 * Parses the command-line form of a column mapping: `field=column` pairs separated by commas;
 * `field=` ignores a column. Column names containing `,` or `=` need the JSON form.
 *
 * @throws EvalError `usage` naming the bad pair or field.
 * @example
 * ```ts
 * parseColumnMapping('text=question,reference=answer,domain=category');
 * // → { text: 'question', reference: 'answer', domain: 'category' }
 * ```
 */
export function parseColumnMapping(text: string): ColumnMapping {
  const raw: Record<string, string | null> = {};
  for (const pair of text.split(',')) {
    if (pair.trim() === '') continue;
    const equals = pair.indexOf('=');
    if (equals <= 0) {
      throw new EvalError('usage', `--map: expected field=column, got ${JSON.stringify(pair.trim())}`);
    }
    const field = pair.slice(0, equals).trim();
    const column = pair.slice(equals + 1).trim();
    if (field in raw) throw new EvalError('usage', `--map: ${field} is mapped twice`);
    raw[field] = column === '' ? null : column;
  }
  return toMapping(raw, '--map');
}

/**
 * Validates a column mapping given as an object (from a configuration file).
 *
 * @throws EvalError `invalid-config` naming the field.
 */
export function defineColumnMapping(input: unknown, source = 'column mapping'): ColumnMapping {
  return toMapping(input, source, 'invalid-config');
}

function toMapping(
  input: unknown,
  source: string,
  code: 'usage' | 'invalid-config' = 'usage',
): ColumnMapping {
  const result = columnMappingSchema.safeParse(input, { reportInput: true });
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  if (issue.code === 'unrecognized_keys') {
    throw new EvalError(
      code,
      `${source}: unknown field ${issue.keys.map((key) => JSON.stringify(key)).join(', ')}; fields are ${csvFields.join(', ')}`,
    );
  }
  const { field, detail } = describeZodIssue(issue);
  throw new EvalError(code, `${source}: ${field === undefined ? '' : `${field}: `}${detail}`, {
    cause: result.error,
  });
}

/** Whether a mapping reads one conversation per row (`reference` mapped) or one turn per row. */
export function mappingMode(mapping: ColumnMapping): 'turns' | 'single-turn' {
  return typeof mapping.reference === 'string' ? 'single-turn' : 'turns';
}

/** Where each field sits in a CSV header, plus the columns no field uses. */
export interface ResolvedColumns {
  mode: 'turns' | 'single-turn';
  /** Column index per field; absent fields are not in the file. */
  indices: Partial<Record<CsvField, number>>;
  /** The header's name of each field's column, for error messages in the user's terms. */
  names: Partial<Record<CsvField, string>>;
  /** Columns no field reads, kept as extra fields: `[index, name]` (never one named like a field). */
  extras: Array<[number, string]>;
}

/**
 * Finds the mapped columns in a CSV header.
 *
 * @throws DatasetError at the header line naming a mapped column that is missing, a required field
 *   without a column, or a duplicated header name.
 */
export function resolveColumns(
  mapping: ColumnMapping,
  header: readonly string[],
  location: { file: string; line: number },
): ResolvedColumns {
  const mode = mappingMode(mapping);
  const positions = new Map<string, number>();
  header.forEach((name, index) => {
    if (positions.has(name)) {
      throw new DatasetError({
        ...location,
        field: name,
        detail: `the header has two columns named ${JSON.stringify(name)}`,
      });
    }
    positions.set(name, index);
  });
  const indices: Partial<Record<CsvField, number>> = {};
  const names: Partial<Record<CsvField, string>> = {};
  for (const field of csvFields) {
    const mapped = mapping[field];
    if (mapped === null) continue;
    const column = mapped ?? field;
    const index = positions.get(column);
    if (index === undefined) {
      if (mapped === undefined) continue;
      throw new DatasetError({
        ...location,
        field,
        detail: `no column ${JSON.stringify(column)} in the header (columns: ${header.join(', ')})`,
      });
    }
    if (mode === 'single-turn' && (field === 'role' || field === 'turn') && mapped === undefined) continue;
    indices[field] = index;
    names[field] = column;
  }
  const required: CsvField[] = mode === 'turns' ? ['conversation_id', 'role', 'text'] : ['text', 'reference'];
  for (const field of required) {
    if (indices[field] === undefined) {
      throw new DatasetError({
        ...location,
        field,
        detail: `no column for ${field} (columns: ${header.join(', ')}); name it in the column mapping`,
      });
    }
  }
  // A column named like a field but not read for it (ignored with `null`, or replaced by another
  // column) is dropped rather than kept: as an extra it would overwrite the field it is named after.
  const fieldNames = new Set<string>(csvFields);
  const used = new Set(Object.values(indices));
  const extras = header.flatMap(
    (name, index): Array<[number, string]> =>
      used.has(index) || fieldNames.has(name) || name === '' ? [] : [[index, name]],
  );
  return { mode, indices, names, extras };
}
