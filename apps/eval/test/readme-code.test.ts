import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { afterAll, describe, expect, it } from 'vitest';

const repository = fileURLToPath(new URL('../../../', import.meta.url));

/** One fenced TypeScript or JavaScript block of a README. */
interface CodeBlock {
  readme: string;
  /** 1-based line of the block's first code line in the README. */
  line: number;
  language: 'ts' | 'js';
  code: string;
}

/**
 * Names the README's illustrative snippets take as given (their own cards, articles and agents),
 * declared here so that everything else in those snippets is type-checked against the sources. A
 * snippet that compiles on its own needs none of them.
 */
const context = `import type {
  Agent,
  CapabilityCardInput,
  ConversationMessage,
  KnowledgeArticle,
  Team,
  TurnInput,
} from '@baton/core';
import type { LangfuseEvalReporter } from '@baton/tracing';
declare global {
  // Cards, knowledge and agents of the example support desk.
  const frontDeskCard: CapabilityCardInput;
  const billingCard: CapabilityCardInput;
  const billingDeskCard: CapabilityCardInput;
  const technicalCard: CapabilityCardInput;
  const general: KnowledgeArticle[];
  const billingGeneral: KnowledgeArticle[];
  const billingArticles: KnowledgeArticle[];
  const front: Agent;
  const frontDesk: Agent;
  const technical: Agent;
  const refunds: Agent;
  const invoices: Agent;
  const team: Team;
  const billingTeam: Team;
  // A run and its turns, as the tracing README's dataset-run example has them.
  const runId: string;
  const turn: TurnInput;
  const turns: readonly {
    conversationId: string;
    index: number;
    message: string;
    history: ConversationMessage[];
    reference: string;
    domain: string;
  }[];
  function experimentIdOf(strategy: string): string;
  function referenceOf(turn: unknown): string;
  const reporter: LangfuseEvalReporter;
  const itemId: string;
  const runName: string;
  const traceId: string;
  const spanId: string;
}
export {};
`;

/** The READMEs whose code is documentation: the root's, every package's, and the examples'. */
async function readmes(): Promise<string[]> {
  const files = [join(repository, 'README.md')];
  for (const folder of ['packages', 'apps', 'examples']) {
    for (const entry of await readdir(join(repository, folder), { withFileTypes: true })) {
      if (!entry.isDirectory()) continue;
      const candidate = join(repository, folder, entry.name, 'README.md');
      if (
        await readFile(candidate, 'utf8').then(
          () => true,
          () => false,
        )
      )
        files.push(candidate);
    }
  }
  return files;
}

/**
 * Every ```ts, ```typescript and ```js block, except those marked `skip-check` (```ts skip-check) —
 * for a deliberately partial snippet, and kept rare.
 */
function codeBlocks(readme: string, text: string): CodeBlock[] {
  const blocks: CodeBlock[] = [];
  const lines = text.split('\n');
  for (let index = 0; index < lines.length; index += 1) {
    const open = /^```(ts|typescript|js|javascript)(?:\s+(.*))?$/.exec(lines[index]!);
    if (!open) continue;
    const end = lines.findIndex((line, at) => at > index && line.startsWith('```'));
    if (!open[2]?.split(/\s+/).includes('skip-check')) {
      blocks.push({
        readme,
        line: index + 2,
        language: open[1]!.startsWith('j') ? 'js' : 'ts',
        code: lines.slice(index + 1, end).join('\n'),
      });
    }
    index = end;
  }
  return blocks;
}

describe('the code in the READMEs', () => {
  // Inside the repository (an ignored .baton folder), so that `@baton/*` resolve to the workspace
  // packages' sources through the `@baton/source` condition, as in every package's own typecheck.
  const folder = join(repository, '.baton', `readme-code-${process.pid}`);

  afterAll(async () => {
    await rm(folder, { recursive: true, force: true });
  });

  it('compiles, every TypeScript block against the sources, as a user would write it', async () => {
    const blocks: CodeBlock[] = [];
    for (const readme of await readmes()) blocks.push(...codeBlocks(readme, await readFile(readme, 'utf8')));
    expect(blocks.length).toBeGreaterThanOrEqual(10);

    await rm(folder, { recursive: true, force: true });
    await mkdir(folder, { recursive: true });
    await writeFile(join(folder, 'package.json'), '{ "type": "module" }\n');
    await writeFile(join(folder, 'readme-context.d.ts'), context);
    const files = new Map<string, CodeBlock>();
    for (const [index, block] of blocks.entries()) {
      const name = join(
        folder,
        `block-${String(index).padStart(3, '0')}.${block.language === 'js' ? 'mjs' : 'mts'}`,
      );
      // A snippet without import or export is still a module (top-level await, its own scope).
      const module = /^\s*(import|export)\s/m.test(block.code) ? '' : '\nexport {};';
      await writeFile(name, `${block.code}${module}\n`);
      files.set(name, block);
    }
    // The example projects' configs are code a user copies, too.
    const configs = (await readdir(join(repository, 'examples'), { withFileTypes: true }))
      .filter((entry) => entry.isDirectory())
      .map((entry) => join(repository, 'examples', entry.name, 'eval.config.ts'));

    const program = ts.createProgram({
      rootNames: [join(folder, 'readme-context.d.ts'), ...files.keys(), ...configs],
      options: {
        target: ts.ScriptTarget.ES2022,
        lib: ['lib.es2023.d.ts'],
        module: ts.ModuleKind.NodeNext,
        moduleResolution: ts.ModuleResolutionKind.NodeNext,
        customConditions: ['@baton/source'],
        types: ['node'],
        typeRoots: [join(repository, 'node_modules', '@types')],
        strict: true,
        allowJs: true,
        checkJs: true,
        noEmit: true,
        skipLibCheck: true,
        allowImportingTsExtensions: false,
      },
    });
    // Only the blocks' and the configs' own diagnostics: the sources are each package's typecheck's.
    const checked = [...files.keys(), ...configs].map((file) => program.getSourceFile(file)!);
    const problems = [
      ...program.getOptionsDiagnostics(),
      ...checked.flatMap((file) => [
        ...program.getSyntacticDiagnostics(file),
        ...program.getSemanticDiagnostics(file),
      ]),
    ].map((diagnostic) => {
      const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n');
      if (!diagnostic.file || diagnostic.start === undefined) return message;
      const { line } = diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start);
      const block = files.get(diagnostic.file.fileName);
      const where = block
        ? `${relative(repository, block.readme)}:${block.line + line}`
        : `${relative(repository, diagnostic.file.fileName)}:${line + 1}`;
      return `${where}: TS${diagnostic.code} ${message}`;
    });
    expect(problems).toEqual([]);
  }, 120_000);
});
