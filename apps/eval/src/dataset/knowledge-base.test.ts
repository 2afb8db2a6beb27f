import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseKnowledgeArticle, readKnowledgeBase } from './knowledge-base.js';

const at = { file: 'kb/billing/a.md', kb: 'billing' };

const article = (frontMatter: string, body = 'Plans are billed on the 1st.') =>
  `---\n${frontMatter}\n---\n${body}\n`;

describe('parseKnowledgeArticle', () => {
  it('reads the front matter and body', () => {
    const text = article(
      'id: billing-plan-prices\ntitle: "Plans: what they cost"\ntags: plans, pricing , ,fees\nlanguage: en',
    );
    expect(parseKnowledgeArticle(text, at)).toEqual({
      id: 'billing-plan-prices',
      title: 'Plans: what they cost',
      tags: ['plans', 'pricing', 'fees'],
      language: 'en',
      body: 'Plans are billed on the 1st.',
      kb: 'billing',
    });
  });

  it('tolerates a BOM, CRLF and bracketed tags', () => {
    const text = '\uFEFF---\r\nid: a\r\ntitle: A\r\ntags: [x, y]\r\nlanguage: de\r\n---\r\n\r\nBody.\r\n';
    expect(parseKnowledgeArticle(text, at)).toMatchObject({ id: 'a', tags: ['x', 'y'], body: 'Body.' });
  });

  it('names the line and field of an invalid value', () => {
    const text = article('id: billing-x\ntitle: X\ntags: a\nlanguage: english');
    expect(() => parseKnowledgeArticle(text, at)).toThrow(
      'kb/billing/a.md:5: language: expected a language tag such as "en" or "pt-BR", got "english"',
    );
    expect(() => parseKnowledgeArticle(article('id: Billing X\ntitle: X\nlanguage: en'), at)).toThrow(
      'kb/billing/a.md:2: id: expected a kebab-case id such as "billing-plan-prices", got "Billing X"',
    );
  });

  it('names a missing key at the opening line', () => {
    expect(() => parseKnowledgeArticle(article('id: a\nlanguage: en'), at)).toThrow(
      'kb/billing/a.md:1: title: missing; expected a string',
    );
  });

  it('rejects missing or unclosed front matter, malformed lines, repeated keys and an empty body', () => {
    expect(() => parseKnowledgeArticle('# Title\n', at)).toThrow('kb/billing/a.md:1: expected front matter');
    expect(() => parseKnowledgeArticle('---\nid: a\n', at)).toThrow(
      'kb/billing/a.md:1: the front matter is never closed',
    );
    expect(() => parseKnowledgeArticle(article('id: a\njust words'), at)).toThrow(
      'kb/billing/a.md:3: expected "key: value" in the front matter, got "just words"',
    );
    expect(() => parseKnowledgeArticle(article('id: a\nid: b'), at)).toThrow(
      'kb/billing/a.md:3: id: repeated; first at line 2',
    );
    expect(() => parseKnowledgeArticle(article('id: a\ntitle: A\nlanguage: en', '  \n'), at)).toThrow(
      'kb/billing/a.md:6: body: the article has no body',
    );
  });
});

describe('readKnowledgeBase', () => {
  let folder: string;

  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), 'baton-kb-'));
    await mkdir(join(folder, 'orders'));
    await writeFile(join(folder, 'orders', 'b.md'), article('id: orders-b\ntitle: B\nlanguage: en'));
    await writeFile(join(folder, 'orders', 'a.md'), article('id: orders-a\ntitle: A\nlanguage: en'));
    await writeFile(join(folder, 'orders', 'README.md'), '# About this folder\n');
    await mkdir(join(folder, 'twice'));
    await writeFile(join(folder, 'twice', 'a.md'), article('id: same\ntitle: A\nlanguage: en'));
    await writeFile(join(folder, 'twice', 'b.md'), article('id: same\ntitle: B\nlanguage: en'));
    await mkdir(join(folder, 'empty'));
  });

  afterAll(async () => {
    await rm(folder, { recursive: true, force: true });
  });

  it('reads every article in name order, tagged with the folder’s knowledge base id', async () => {
    const articles = await readKnowledgeBase(join(folder, 'orders'));
    expect(articles.map((entry) => [entry.id, entry.kb])).toEqual([
      ['orders-a', 'orders'],
      ['orders-b', 'orders'],
    ]);
  });

  it('rejects an id used twice, an empty folder and a missing one', async () => {
    await expect(readKnowledgeBase(join(folder, 'twice'))).rejects.toThrow(
      `${join(folder, 'twice', 'b.md')}: id: duplicate article id "same" (also in ${join(folder, 'twice', 'a.md')})`,
    );
    await expect(readKnowledgeBase(join(folder, 'empty'))).rejects.toMatchObject({ code: 'invalid-input' });
    await expect(readKnowledgeBase(join(folder, 'missing'))).rejects.toMatchObject({ code: 'not-found' });
  });
});
