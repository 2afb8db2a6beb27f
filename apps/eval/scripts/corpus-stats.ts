/**
 * Computes the corpus statistics of a suite from its files and writes them between
 * `<!-- stats:start -->` and `<!-- stats:end -->` in `datasets/README.md`, so no number there is
 * typed by hand.
 *
 * Usage: tsx --conditions=@baton/source scripts/corpus-stats.ts [--suite <suite.json>]
 *        [--readme <README.md>] [--check] [--json]
 * `--check` writes nothing and exits 1 when the README block is stale; `--json` also prints the
 * statistics as JSON on stdout.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { computeCorpusStats } from '../src/dataset/corpus-stats.js';
import { loadSuite } from '../src/dataset/load-suite.js';
import { renderCorpusStats, replaceStatsBlock } from '../src/dataset/stats-block.js';
import { toFileError } from '../src/eval-error.js';
import { parseScriptArgs, runScript } from './run-script.js';

const defaultSuite = fileURLToPath(new URL('../../../datasets/support/suite.json', import.meta.url));
const defaultReadme = fileURLToPath(new URL('../../../datasets/README.md', import.meta.url));
const usage = 'usage: corpus-stats [--suite <suite.json>] [--readme <README.md>] [--check] [--json]';

async function main(): Promise<number> {
  const parsed = parseScriptArgs(
    {
      options: {
        suite: { type: 'string', default: defaultSuite },
        readme: { type: 'string', default: defaultReadme },
        check: { type: 'boolean', default: false },
        json: { type: 'boolean', default: false },
      },
    },
    usage,
  );
  if (parsed === undefined) return 0;
  const { values } = parsed;
  const stats = await computeCorpusStats(await loadSuite(values.suite));
  if (values.json) process.stdout.write(`${JSON.stringify(stats, null, 2)}\n`);
  const readme = await readFile(values.readme, 'utf8').catch((error: unknown) => {
    throw toFileError(error, values.readme);
  });
  const updated = replaceStatsBlock(readme, renderCorpusStats(stats), values.readme);
  const shown = relative(process.cwd(), values.readme);
  if (values.check) {
    if (updated === readme) {
      process.stderr.write(`${shown}: the stats block is up to date\n`);
      return 0;
    }
    process.stderr.write(`${shown}: the stats block is stale: run corpus-stats to rewrite it\n`);
    return 1;
  }
  if (updated !== readme) await writeFile(values.readme, updated);
  process.stderr.write(
    `${updated === readme ? 'unchanged' : 'updated'} ${shown}: ${stats.conversations} conversations, ${stats.userTurns} user turns, ${stats.knowledgeBases.length} knowledge bases\n`,
  );
  return 0;
}

runScript('corpus-stats', main);
