/**
 * Assigns the fixed train/test split of a suite by conversation and writes it to the suite's split
 * file (`datasets/support/split.json` by default): stratified by primary domain, ~70/30, decided by
 * a hash of seed and id, so rerunning on the same conversations gives the same file.
 *
 * Usage: tsx --conditions=@baton/source scripts/make-split.ts [--suite <suite.json>] [--seed <text>]
 *        [--test-share 0.3] [--check]
 * `--check` writes nothing and exits 1 when the split file is missing or differs from a fresh run.
 * The seed defaults to the one recorded in the existing split file.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { assignSplit, primaryDomain, type SplitCandidate } from '../src/dataset/assign-split.js';
import { readConversations } from '../src/dataset/load-conversations.js';
import { loadSuite } from '../src/dataset/load-suite.js';
import { readSplit } from '../src/dataset/split.js';
import { EvalError } from '../src/eval-error.js';
import { parseScriptArgs, runScript } from './run-script.js';

const defaultSuite = fileURLToPath(new URL('../../../datasets/support/suite.json', import.meta.url));
const defaultSeed = 'tillwell-support-v1';
const usage = 'usage: make-split [--suite <suite.json>] [--seed <text>] [--test-share <0..1>] [--check]';

async function main(): Promise<number> {
  const parsed = parseScriptArgs(
    {
      options: {
        suite: { type: 'string', default: defaultSuite },
        seed: { type: 'string' },
        'test-share': { type: 'string', default: '0.3' },
        check: { type: 'boolean', default: false },
      },
    },
    usage,
  );
  if (parsed === undefined) return 0;
  const { values } = parsed;
  const testShare = Number(values['test-share']);
  if (!(testShare > 0 && testShare < 1))
    throw new EvalError('usage', `--test-share: expected a number between 0 and 1\n${usage}`);
  const suite = await loadSuite(values.suite, { requireSplitFile: false });
  if (suite.split === undefined)
    throw new EvalError('invalid-config', `${suite.file}: split: the suite names no split file`);
  const existing = await readSplit(suite.split).catch((error: unknown) => {
    if (EvalError.isInstance(error) && error.code === 'not-found') return undefined;
    throw error;
  });

  const candidates: SplitCandidate[] = [];
  for await (const conversation of readConversations(suite.conversations, { mapping: suite.mapping })) {
    candidates.push({ id: conversation.id, stratum: primaryDomain(conversation) });
  }
  const seed = values.seed ?? (existing === undefined ? defaultSeed : String(existing.seed));
  const split = assignSplit(candidates, { seed, testShare });
  const text = `${JSON.stringify(split, null, 2)}\n`;
  const shown = relative(process.cwd(), suite.split);

  const current = await readFile(suite.split, 'utf8').catch(() => undefined);
  if (values.check) {
    if (current === text) {
      process.stderr.write(
        `${shown} is up to date (${split.train.length} train, ${split.test.length} test)\n`,
      );
      return 0;
    }
    process.stderr.write(`${shown} is stale: run make-split to rewrite it\n`);
    return 1;
  }
  if (current !== text) await writeFile(suite.split, text);
  const strata = new Map<string, { train: number; test: number }>();
  const sideOf = new Set(split.test);
  for (const candidate of candidates) {
    const counts = strata.get(candidate.stratum) ?? { train: 0, test: 0 };
    counts[sideOf.has(candidate.id) ? 'test' : 'train'] += 1;
    strata.set(candidate.stratum, counts);
  }
  const perStratum = [...strata]
    .sort(([left], [right]) => (left < right ? -1 : 1))
    .map(([stratum, counts]) => `${stratum} ${counts.train}/${counts.test}`)
    .join(', ');
  process.stderr.write(
    `${current === text ? 'unchanged' : 'wrote'} ${shown}: ${split.train.length} train / ${split.test.length} test conversations (seed ${seed}; train/test per primary domain: ${perStratum})\n`,
  );
  return 0;
}

runScript('make-split', main);
