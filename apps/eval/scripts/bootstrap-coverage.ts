/**
 * Measures how often the summary's 95% bootstrap interval holds the true mean, by simulation: for
 * each number of conversations, `--runs` samples of quality-like turn scores (a conversation effect
 * plus turn noise, clipped to 0–1, 1–6 turns per conversation), each resampled by conversation as a
 * run's summary does, with the expanded percentile interval Baton reports and the plain 2.5–97.5
 * percentile interval it replaced. The true turn-weighted mean comes from 400,000 conversations of
 * the same model. Deterministic (seeded), so the README's figures can be reproduced.
 *
 * Usage: tsx --conditions=@baton/source scripts/bootstrap-coverage.ts [--runs 800] [--resamples 2000]
 */
import { EvalError } from '../src/eval-error.js';
import { resampleClusterMeansTogether, sumByCluster } from '../src/stats/cluster-bootstrap.js';
import { expandedTailPercent } from '../src/stats/expanded-percentile.js';
import { percentileOfSorted } from '../src/stats/percentile.js';
import { SeededRandom } from '../src/stats/seeded-random.js';
import { parseScriptArgs, runScript } from './run-script.js';

const usage = 'usage: bootstrap-coverage [--runs <n>] [--resamples <n>]';

async function main(): Promise<number> {
  const parsed = parseScriptArgs(
    {
      options: {
        runs: { type: 'string', default: '800' },
        resamples: { type: 'string', default: '2000' },
      },
    },
    usage,
  );
  if (parsed === undefined) return 0;
  const runs = Number(parsed.values.runs);
  const resamples = Number(parsed.values.resamples);
  if (!Number.isInteger(runs) || runs < 1 || !Number.isInteger(resamples) || resamples < 1) {
    throw new EvalError('usage', `--runs and --resamples take whole numbers ≥ 1\n${usage}`);
  }
  const random = new SeededRandom(20261205);
  const normal = () =>
    Math.sqrt(-2 * Math.log(1 - random.nextFloat())) * Math.cos(2 * Math.PI * random.nextFloat());
  const conversation = (): number[] => {
    const turns = 1 + Math.floor(random.nextFloat() * 6);
    const effect = 0.55 + 0.25 * normal();
    return Array.from({ length: turns }, () => Math.min(1, Math.max(0, effect + 0.2 * normal())));
  };
  let sum = 0;
  let count = 0;
  for (let index = 0; index < 400_000; index += 1) {
    for (const value of conversation()) {
      sum += value;
      count += 1;
    }
  }
  const truth = sum / count;
  console.log(`true mean ${truth.toFixed(4)}; ${runs} samples per row, ${resamples} resamples each`);
  console.log('conversations  a (%)   expanded  plain');
  for (const conversations of [5, 10, 20, 40]) {
    let expanded = 0;
    let plain = 0;
    const tail = expandedTailPercent(conversations);
    for (let run = 0; run < runs; run += 1) {
      const items = [];
      for (let index = 0; index < conversations; index += 1) {
        for (const value of conversation()) items.push({ cluster: `c${index}`, value });
      }
      const [sorted] = resampleClusterMeansTogether([sumByCluster(items)], { resamples, seed: run });
      const holds = (low: number) =>
        percentileOfSorted(sorted!, low)! <= truth && truth <= percentileOfSorted(sorted!, 100 - low)!;
      if (holds(tail)) expanded += 1;
      if (holds(2.5)) plain += 1;
    }
    console.log(
      `${String(conversations).padStart(13)}  ${tail.toFixed(3).padStart(5)}   ${(expanded / runs).toFixed(3).padStart(8)}  ${(plain / runs).toFixed(3)}`,
    );
  }
  return 0;
}

runScript('bootstrap-coverage', main);
