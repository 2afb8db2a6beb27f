import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ItemResult } from './item-result.js';
import { lexicalItems, makeItem, trainedItems } from './summary/example-items.fixture.js';
import { exampleRunInput } from './summary/example-run.fixture.js';
import { type RunOutputsInput, writeRunOutputs } from './write-run-outputs.js';

let folder: string;
beforeEach(async () => {
  folder = await mkdtemp(join(tmpdir(), 'baton-run-outputs-'));
});
afterEach(async () => {
  await rm(folder, { recursive: true, force: true });
});

/** A routing-only turn (no human reply, so no nuggets and no cleanup score) ending as `outcome`. */
function routingOnly(strategy: string, outcome: ItemResult['outcome']): ItemResult {
  return makeItem({
    strategy,
    conversationId: 'c4',
    turnIndex: 0,
    outcome,
    reference: null,
    scores: {
      answerQuality: null,
      humanCleanup: null,
      needsCleanup: null,
      escalated: outcome === 'escalated',
      delegationAttempted: true,
      fallback: outcome !== 'answered',
      routingCorrect: true,
      pass: null,
    },
  });
}

function input(out: string, items?: readonly ItemResult[]): RunOutputsInput {
  return {
    out,
    suite: exampleRunInput.suite,
    strategies: exampleRunInput.strategies,
    baseline: exampleRunInput.baseline,
    gates: { failUnder: { answerQuality: 0.5 }, max: { humanCleanup: 0.5 }, maxRegression: {} },
    seed: exampleRunInput.seed,
    resamples: exampleRunInput.resamples,
    repeat: 1,
    scorer: exampleRunInput.scorer,
    model: null,
    startedAt: Date.parse(exampleRunInput.createdAt),
    durationMs: exampleRunInput.durationMs,
    interrupted: false,
    cwd: folder,
    env: {},
    ...(items ? { items } : {}),
  };
}

describe('writeRunOutputs', () => {
  it('summarises items.jsonl exactly as it summarises the same items held whole', async () => {
    const items = [
      ...lexicalItems,
      ...trainedItems,
      routingOnly('lexical', 'escalated'),
      routingOnly('trained', 'failed'),
    ];
    // The file also holds an earlier, cut-off attempt at one item (a resumed run redid it), which
    // the latest line replaces, and lists the items in another order than the one in memory.
    const superseded = { ...lexicalItems[0]!, outcome: 'error' as const, scores: { answerQuality: 0 } };
    const fromFile = join(folder, 'run');
    await mkdir(fromFile);
    await writeFile(
      join(fromFile, 'items.jsonl'),
      `${[superseded, ...[...items].reverse()].map((item) => JSON.stringify(item)).join('\n')}\n`,
    );
    const inMemory = join(folder, 'in-memory', 'run');
    await mkdir(inMemory, { recursive: true });

    const read = await writeRunOutputs(input(fromFile));
    const held = await writeRunOutputs(input(inMemory, items));

    expect(read.summary).toEqual(held.summary);
    // The routing-only turns stay out of the cleanup denominator (they have no human reply to edit
    // towards), escalated or failed alike: five turns per strategy, not six.
    for (const strategy of read.summary.strategies) expect(strategy.metrics.humanCleanup.n).toBe(5);
    expect(await readFile(join(fromFile, 'summary.json'), 'utf8')).toBe(
      await readFile(join(inMemory, 'summary.json'), 'utf8'),
    );
  });

  it('validates whole the items it keeps whole for the report, and names their line', async () => {
    // The lowest-quality item of a strategy is kept whole as an example: its delegation records must
    // be valid, though the summary's line-by-line reading checks only the fields it reads.
    const worst = {
      ...lexicalItems[0]!,
      scores: { ...lexicalItems[0]!.scores, answerQuality: 0 },
      delegations: [{ id: 7 }],
    };
    const out = join(folder, 'broken');
    await mkdir(out);
    await writeFile(
      join(out, 'items.jsonl'),
      `${[...trainedItems, worst, ...lexicalItems.slice(1)].map((item) => JSON.stringify(item)).join('\n')}\n`,
    );
    await expect(writeRunOutputs(input(out))).rejects.toThrow(
      new RegExp(`items\\.jsonl:${trainedItems.length + 1}: delegations`),
    );
  });
});
