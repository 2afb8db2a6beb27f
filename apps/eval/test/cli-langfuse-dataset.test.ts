import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type FakeLangfuseServer, startFakeLangfuseServer } from '@baton/tracing/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ItemResult } from '../src/item-result.js';
import { readRunFolder } from './read-run-folder.js';
import { type BatonOutcome, fastFlags, makeTempFolder, runBaton } from './run-baton.js';

const keys = { publicKey: 'pk-lf-e2e', secretKey: 'sk-lf-e2e' };

/** What the replay of one turn must share with the run that pushed it (teacher forcing). */
function recordedSide(item: ItemResult) {
  return {
    itemId: item.itemId,
    conversationId: item.conversationId,
    turnIndex: item.turnIndex,
    input: item.input,
    reference: item.reference,
    gold: item.gold,
  };
}

function byItemId(left: { itemId: string }, right: { itemId: string }): number {
  return left.itemId < right.itemId ? -1 : left.itemId > right.itemId ? 1 : 0;
}

describe('baton eval --dataset langfuse:<name> (fake Langfuse)', () => {
  let server: FakeLangfuseServer;
  let temp: Awaited<ReturnType<typeof makeTempFolder>>;
  let env: Record<string, string>;

  beforeAll(async () => {
    server = await startFakeLangfuseServer({ keys });
    temp = await makeTempFolder();
    env = {
      LANGFUSE_PUBLIC_KEY: keys.publicKey,
      LANGFUSE_SECRET_KEY: keys.secretKey,
      LANGFUSE_BASE_URL: server.baseUrl,
    };
  });

  afterAll(async () => {
    await server.close();
    await temp.remove();
  });

  describe('a run pushed by baton eval, replayed from Langfuse', () => {
    let pushedItems: ItemResult[];
    let replay: BatonOutcome;
    let requestsBeforeReplay: number;

    beforeAll(async () => {
      const push = await runBaton(['eval', ...fastFlags, '--strategies', 'solo', '--out', 'pushed'], {
        cwd: temp.path,
        env,
      });
      expect(push.code, push.stderr).toBe(0);
      // The floor probes answer beside solo but are not pushed to Langfuse (they have no traces).
      pushedItems = (await readRunFolder(join(temp.path, 'pushed'))).items.filter(
        (item) => item.strategy === 'solo',
      );
      requestsBeforeReplay = server.requests.length;
      replay = await runBaton(
        [
          'eval',
          ...fastFlags,
          '--dataset',
          'langfuse:baton/e2e/test',
          '--strategies',
          'solo,route-lexical',
          '--no-langfuse',
          '--out',
          'replayed',
        ],
        { cwd: temp.path, env },
      );
    }, 60_000);

    it('pushed one dataset item per replayed turn', () => {
      const items = server.datasetItems('baton/e2e/test');
      expect(items.length).toBeGreaterThan(7);
      expect(items.map((item) => (item.metadata as { batonItemId: string }).batonItemId).sort()).toEqual(
        pushedItems.map((item) => item.itemId).sort(),
      );
    });

    it('exits 0 with one item per dataset item per strategy', async () => {
      expect(replay.code, replay.stderr).toBe(0);
      const { items, summary } = await readRunFolder(join(temp.path, 'replayed'));
      const datasetItems = server.datasetItems('baton/e2e/test').length;

      expect(items.filter((item) => ['solo', 'route-lexical'].includes(item.strategy))).toHaveLength(
        datasetItems * 2,
      );
      for (const strategy of ['solo', 'route-lexical']) {
        expect(
          items
            .filter((item) => item.strategy === strategy)
            .map((item) => item.itemId)
            .sort(),
        ).toEqual(pushedItems.map((item) => item.itemId).sort());
      }
      // The pushed items are the test side of the suite's split: the split file still places them there.
      expect(summary.suite).toMatchObject({ dataset: 'langfuse:baton/e2e/test', split: 'test' });
    });

    it('replays every turn with the message, reference and gold labels it was recorded with', async () => {
      const { items } = await readRunFolder(join(temp.path, 'replayed'));
      const solo = items.filter((item) => item.strategy === 'solo');

      expect(solo.map(recordedSide).sort(byItemId)).toEqual(pushedItems.map(recordedSide).sort(byItemId));
    });

    it('gives the same answers as the run whose recordings it replays', async () => {
      const { items } = await readRunFolder(join(temp.path, 'replayed'));
      const answers = (list: ItemResult[]) =>
        list
          .filter((item) => item.strategy === 'solo')
          .map((item) => ({ itemId: item.itemId, answer: item.answer }))
          .sort(byItemId);

      expect(answers(items)).toEqual(answers(pushedItems));
    });

    it('records the source in run.json and only reads from Langfuse', async () => {
      const run = JSON.parse(await readFile(join(temp.path, 'replayed', 'run.json'), 'utf8')) as {
        source: string;
      };
      expect(run.source).toBe('langfuse:baton/e2e/test');
      const replayRequests = server.requests.slice(requestsBeforeReplay);
      expect(new Set(replayRequests.map((request) => `${request.method} ${request.path}`))).toEqual(
        new Set(['GET /api/public/v2/datasets/baton%2Fe2e%2Ftest', 'GET /api/public/dataset-items']),
      );
    });
  });

  describe('generic items with an invalid one', () => {
    beforeAll(() => {
      server.seedDataset('faq', [
        {
          id: 'faq-1',
          input: { question: 'how long does shipping take' },
          expectedOutput: { answer: 'Orders ship within two working days.' },
          metadata: { category: 'orders' },
        },
        {
          id: 'faq-2',
          input: 'can I pay by invoice',
          expectedOutput: 'Invoices are available for business accounts.',
          metadata: { domain: 'billing' },
        },
        { id: 'faq-bad', input: { prompt: 'no known key' }, expectedOutput: 'x' },
      ]);
    });

    const replayFaq = (policy: 'stop' | 'skip', out: string) =>
      runBaton(
        [
          'eval',
          ...fastFlags,
          '--dataset',
          'langfuse:faq',
          '--strategies',
          'solo,route-lexical',
          '--no-langfuse',
          '--on-invalid',
          policy,
          // Every item: --split applies to a Langfuse dataset too and would hash some to train.
          '--split',
          'all',
          '--out',
          out,
        ],
        { cwd: temp.path, env },
      );

    it('stops at the invalid item with exit 2, naming the dataset, the item and the field', async () => {
      const outcome = await replayFaq('stop', 'faq-stop');

      expect(outcome.code).toBe(2);
      expect(outcome.stderr.trim().split('\n').at(-1)).toBe(
        'baton: langfuse:faq item faq-bad: input: got an object without any of these keys; expected a string, an object with question, message, input or text, or { messages: [{ role, content }] }',
      );
    });

    it('skips the invalid item with --on-invalid skip, says so and replays the rest', async () => {
      const outcome = await replayFaq('skip', 'faq-skip');

      expect(outcome.code, outcome.stderr).toBe(0);
      expect(outcome.stderr).toContain('Skipped 1 invalid conversation (--on-invalid skip):');
      expect(outcome.stderr).toContain('langfuse:faq item faq-bad: input:');
      const { items } = await readRunFolder(join(temp.path, 'faq-skip'));
      expect(
        items
          .filter((item) => item.strategy === 'solo' || item.strategy === 'route-lexical')
          .map((item) => `${item.strategy} ${item.itemId} ${item.gold.domains.join('|')}`)
          .sort(),
      ).toEqual([
        'route-lexical faq-1#0 orders',
        'route-lexical faq-2#0 billing',
        'solo faq-1#0 orders',
        'solo faq-2#0 billing',
      ]);
    });
  });

  describe('when the dataset cannot be read', () => {
    const replayFrom = (dataset: string, environment: Record<string, string>) =>
      runBaton(['eval', ...fastFlags, '--dataset', dataset, '--strategies', 'solo', '--no-langfuse'], {
        cwd: temp.path,
        env: environment,
      });

    function lastLine(outcome: BatonOutcome): string {
      return outcome.stderr.trim().split('\n').at(-1) ?? '';
    }

    it('exits 2 with a one-line reason for a dataset that does not exist', async () => {
      const outcome = await replayFrom('langfuse:nope', env);

      expect(outcome.code).toBe(2);
      expect(lastLine(outcome)).toBe(
        `baton: Langfuse dataset "nope" does not exist at ${server.baseUrl} (HTTP 404).`,
      );
    });

    it('exits 2 with a one-line reason when Langfuse refuses the keys', async () => {
      const outcome = await replayFrom('langfuse:faq', { ...env, LANGFUSE_SECRET_KEY: 'sk-wrong' });

      expect(outcome.code).toBe(2);
      expect(lastLine(outcome)).toBe(
        `baton: Langfuse at ${server.baseUrl} refused the keys (HTTP 401): check LANGFUSE_PUBLIC_KEY and LANGFUSE_SECRET_KEY and that they belong to the project that holds dataset "faq".`,
      );
    });

    it('exits 2 naming the variables to set when Langfuse is not configured', async () => {
      const outcome = await replayFrom('langfuse:faq', {});

      expect(outcome.code).toBe(2);
      expect(lastLine(outcome)).toBe(
        'baton: Cannot read Langfuse dataset "faq": LANGFUSE_PUBLIC_KEY and LANGFUSE_SECRET_KEY are not set. Set LANGFUSE_PUBLIC_KEY and LANGFUSE_SECRET_KEY (and LANGFUSE_BASE_URL unless it is the EU cloud).',
      );
    });

    it('exits 2 for a Langfuse source without a dataset name', async () => {
      const outcome = await replayFrom('langfuse:', env);

      expect(outcome.code).toBe(2);
      expect(lastLine(outcome)).toBe(
        'baton: --dataset langfuse: needs a dataset name, e.g. langfuse:support-v1',
      );
    });
  });
});
