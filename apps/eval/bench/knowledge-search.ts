/*
 * Knowledge search on the support corpus: every knowledge base of the suite indexed afresh, then
 * every customer message of the corpus (what agents search with) searched in every index, twice. The first pass is all first lookups
 * (each index's term memos empty: MiniSearch's exact, prefix and fuzzy matching for every new
 * term), the second mostly remembered terms. Reports the median time per search over the rounds
 * and a digest of every whole ranking (ids and scores, taken off the clock), so that two builds can
 * be compared for identical results as well as speed. Context, not a target: the harness's rows are in `performance.ts`.
 *
 * Measures the compiled `@baton/core` (run without the `@baton/source` condition, after a build),
 * as users run it. Knobs: BATON_BENCH_ROUNDS (default 5).
 */
import { createHash } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { KnowledgeIndex } from '@baton/core';
import { readKnowledgeBase } from '../src/dataset/knowledge-base.js';
import { readConversations } from '../src/dataset/load-conversations.js';

const rounds = Number(process.env.BATON_BENCH_ROUNDS ?? '5');
if (!Number.isSafeInteger(rounds) || rounds < 1) {
  throw new Error(
    `BATON_BENCH_ROUNDS must be a whole number of at least 1, not "${process.env.BATON_BENCH_ROUNDS}".`,
  );
}
const support = fileURLToPath(new URL('../../../datasets/support/', import.meta.url));

const folders = (await readdir(join(support, 'knowledge'), { withFileTypes: true }))
  .filter((entry) => entry.isDirectory())
  .map((entry) => join(support, 'knowledge', entry.name))
  .sort();
const bases = await Promise.all(folders.map((folder) => readKnowledgeBase(folder)));
const messages: string[] = [];
for await (const conversation of readConversations(join(support, 'conversations'))) {
  for (const turn of conversation.turns) if (turn.role === 'user') messages.push(turn.text);
}
if (bases.length === 0 || messages.length === 0) {
  throw new Error(`No knowledge bases or no messages under ${support}: nothing to measure.`);
}

const median = (values: readonly number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};

const first: number[] = [];
const again: number[] = [];
for (let round = 0; round < rounds; round += 1) {
  const indexes = bases.map((articles) => new KnowledgeIndex(articles));
  for (const times of [first, again]) {
    const started = process.hrtime.bigint();
    // The agents' own search (their best five articles).
    for (const index of indexes) for (const message of messages) index.search(message);
    times.push(Number(process.hrtime.bigint() - started) / 1000 / (indexes.length * messages.length));
  }
}
// Every ranking whole (ids and scores), first lookups and again, on fresh indexes, off the clock.
const digest = createHash('sha256');
const indexes = bases.map((articles) => new KnowledgeIndex(articles));
for (let pass = 0; pass < 2; pass += 1) {
  for (const index of indexes) {
    for (const message of messages) {
      const hits = index.search(message, { limit: Number.MAX_SAFE_INTEGER });
      digest.update(JSON.stringify(hits.map((hit) => [hit.article.id, hit.score])));
    }
  }
}

const cpu = `${availableParallelism()} cores, Node ${process.version}`;
console.log(
  `knowledge search, ${messages.length.toLocaleString('en')} customer messages × ${bases.length} knowledge bases, ${rounds} round${rounds === 1 ? '' : 's'} (${cpu}):`,
);
console.log(
  `  first lookups: ${median(first).toFixed(1)} µs per search (rounds ${first.map((value) => value.toFixed(0)).join(' / ')})`,
);
console.log(
  `  searched again: ${median(again).toFixed(1)} µs per search (rounds ${again.map((value) => value.toFixed(0)).join(' / ')})`,
);
console.log(`  rankings digest: ${digest.digest('hex').slice(0, 16)}`);
