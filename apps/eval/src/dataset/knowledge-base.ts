import { readdir, readFile } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import { z } from 'zod';
import { DatasetError, EvalError, toFileError } from '../eval-error.js';
import { describeZodIssue } from './describe-zod-issue.js';

/** One help-centre article an agent's answers are grounded in. */
export interface KnowledgeArticle {
  /** Globally unique kebab-case id, e.g. `billing-plan-prices`. */
  id: string;
  title: string;
  /** The Markdown body after the front matter. */
  body: string;
  tags: string[];
  /** BCP 47 tag of the article's language. */
  language: string;
  /** The knowledge base (folder name) the article belongs to. */
  kb: string;
}

const frontMatterSchema = z.object({
  id: z
    .string()
    .regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, { message: 'expected a kebab-case id such as "billing-plan-prices"' }),
  title: z.string().refine((title) => title.trim() !== '', { message: 'must not be empty' }),
  tags: z
    .string()
    .optional()
    .transform((tags) =>
      (tags ?? '')
        .split(',')
        .map((tag) => tag.trim())
        .filter((tag) => tag !== ''),
    ),
  language: z
    .string()
    .regex(/^[a-z]{2,3}(-[a-z0-9]{1,8})*$/i, { message: 'expected a language tag such as "en" or "pt-BR"' }),
});

/**
 * Parses one article: a front matter block between `---` lines with `key: value` pairs (`id`,
 * `title`, `tags` comma-separated, `language`; other keys are ignored), then a Markdown body.
 * Tolerates a BOM and CRLF. Values may be wrapped in quotes; `tags` may be wrapped in brackets.
 *
 * @throws DatasetError naming file, line and field.
 * @example
 * ```ts
 * parseKnowledgeArticle(await readFile(file, 'utf8'), { file, kb: 'billing' });
 * ```
 */
export function parseKnowledgeArticle(text: string, context: { file: string; kb: string }): KnowledgeArticle {
  const { file } = context;
  const lines = text.replace(/^\uFEFF/, '').split(/\r\n|\n|\r/);
  if (lines[0]?.trim() !== '---') {
    throw new DatasetError({ file, line: 1, detail: 'expected front matter: a first line "---"' });
  }
  const values: Record<string, string> = {};
  const keyLines: Record<string, number> = {};
  let closing = -1;
  for (let index = 1; index < lines.length; index += 1) {
    const line = lines[index]!;
    if (line.trim() === '---') {
      closing = index;
      break;
    }
    if (line.trim() === '' || line.trimStart().startsWith('#')) continue;
    const match = /^([A-Za-z_][\w-]*)\s*:(.*)$/.exec(line);
    if (match === null) {
      throw new DatasetError({
        file,
        line: index + 1,
        detail: `expected "key: value" in the front matter, got ${JSON.stringify(line)}`,
      });
    }
    const key = match[1]!;
    if (key in values) {
      throw new DatasetError({
        file,
        line: index + 1,
        field: key,
        detail: `repeated; first at line ${keyLines[key]}`,
      });
    }
    values[key] = unquote(match[2]!.trim(), key === 'tags');
    keyLines[key] = index + 1;
  }
  if (closing === -1)
    throw new DatasetError({ file, line: 1, detail: 'the front matter is never closed with "---"' });
  const result = frontMatterSchema.safeParse(values, { reportInput: true });
  if (!result.success) {
    const { field, detail } = describeZodIssue(result.error.issues[0]!);
    throw new DatasetError(
      { file, line: (field === undefined ? undefined : keyLines[field]) ?? 1, field, detail },
      { cause: result.error },
    );
  }
  const body = lines
    .slice(closing + 1)
    .join('\n')
    .trim();
  if (body === '')
    throw new DatasetError({ file, line: closing + 2, field: 'body', detail: 'the article has no body' });
  return { ...result.data, body, kb: context.kb };
}

/**
 * Reads a knowledge base: every `*.md` article in a folder (not `README.md`), in name order. The
 * knowledge base id is the folder's name unless given.
 *
 * @throws DatasetError for an invalid article or an id used twice, EvalError `invalid-input` for a
 *   folder without articles, `not-found` for a missing folder.
 * @example
 * ```ts
 * const articles = await readKnowledgeBase('datasets/support/knowledge/billing');
 * ```
 */
export async function readKnowledgeBase(
  folder: string,
  options: { kb?: string } = {},
): Promise<KnowledgeArticle[]> {
  const kb = options.kb ?? basename(folder);
  const names = await readdir(folder, { withFileTypes: true }).catch((error: unknown) => {
    throw toFileError(error, folder);
  });
  const files = names
    .filter(
      (entry) =>
        entry.isFile() &&
        extname(entry.name).toLowerCase() === '.md' &&
        entry.name.toLowerCase() !== 'readme.md',
    )
    .map((entry) => entry.name)
    .sort((left, right) => (left < right ? -1 : left > right ? 1 : 0))
    .map((name) => join(folder, name));
  if (files.length === 0)
    throw new EvalError('invalid-input', `${folder}: no .md articles in this knowledge base`);
  const articles: KnowledgeArticle[] = [];
  const firstFile = new Map<string, string>();
  for (const file of files) {
    const text = await readFile(file, 'utf8').catch((error: unknown) => {
      throw toFileError(error, file);
    });
    const article = parseKnowledgeArticle(text, { file, kb });
    const previous = firstFile.get(article.id);
    if (previous !== undefined) {
      throw new DatasetError({
        file,
        field: 'id',
        detail: `duplicate article id ${JSON.stringify(article.id)} (also in ${previous})`,
      });
    }
    firstFile.set(article.id, file);
    articles.push(article);
  }
  return articles;
}

function unquote(value: string, list: boolean): string {
  const quoted = /^"(.*)"$|^'(.*)'$/.exec(value);
  const inner = quoted === null ? value : (quoted[1] ?? quoted[2] ?? '');
  return list && /^\[.*\]$/.test(inner) ? inner.slice(1, -1) : inner;
}
