/**
 * Builds the word pairs on which Baton's translation edit rate is compared with sacreBLEU's
 * (`src/metrics/fixtures/sacrebleu-ter.jsonl`, scored by `scripts/sacrebleu-ter.py`): from the
 * suite's recorded agent replies, in file order, every `--every`-th of three kinds of pair.
 *
 * - `draft`: a bot's draft → the human's final (the post-editing the cleanup metric stands for).
 * - `unrelated`: a reply → the next reply of the corpus (long, dissimilar texts: the shift search's
 *   worst case, as a retrieval bot's off-topic passage against the human's reply).
 * - `moved`: a reply with two blocks of words swapped → the reply (shifts the search must find).
 *
 * Both sides are split into words by the harness's own `tokenizeWords`, so the comparison is of the
 * edit search alone, not of the two tools' tokenisers. Writes JSON lines
 * `{ kind, id, hypothesis, reference, hypothesisText?, referenceText? }` to stdout: the words joined
 * by single spaces, and for `draft` and `unrelated` the texts they came from (for a comparison of
 * the whole metric, each tool splitting the text its own way).
 *
 * Usage: tsx --conditions=@baton/source scripts/ter-pairs.ts [--suite <suite.json>] [--every <n>]
 */
import { fileURLToPath } from 'node:url';
import { dataFiles, readConversations } from '../src/dataset/load-conversations.js';
import { loadSuite } from '../src/dataset/load-suite.js';
import { EvalError } from '../src/eval-error.js';
import { tokenizeWords } from '../src/metrics/normalize-text.js';
import { parseScriptArgs, runScript } from './run-script.js';

const defaultSuite = fileURLToPath(new URL('../../../datasets/support/suite.json', import.meta.url));
const usage = 'usage: ter-pairs [--suite <suite.json>] [--every <n>]';

/** One pair: the words to edit and the words they must become. */
interface TerPair {
  kind: 'draft' | 'unrelated' | 'moved';
  id: string;
  hypothesis: string;
  reference: string;
  /** The texts the words came from (not for `moved`, whose hypothesis exists only as words). */
  hypothesisText?: string;
  referenceText?: string;
}

/**
 * The words with two blocks swapped: a block of 2–6 words from the first half and one of 2–6 from
 * the second, sizes and places fixed by `seed`, an unsigned 32-bit integer (no randomness: the
 * file is reproducible).
 */
function swapBlocks(words: readonly string[], seed: number): string[] {
  const half = Math.floor(words.length / 2);
  const first = 2 + (seed % 5);
  const second = 2 + ((seed >>> 3) % 5);
  if (half < first + 1 || words.length - half < second + 1) return [...words].reverse();
  const a = seed % (half - first + 1);
  const b = half + ((seed >>> 2) % (words.length - half - second + 1));
  return [
    ...words.slice(0, a),
    ...words.slice(b, b + second),
    ...words.slice(a + first, b),
    ...words.slice(a, a + first),
    ...words.slice(b + second),
  ];
}

async function main(): Promise<number> {
  const parsed = parseScriptArgs(
    {
      options: {
        suite: { type: 'string', default: defaultSuite },
        every: { type: 'string', default: '10' },
      },
    },
    usage,
  );
  if (parsed === undefined) return 0;
  const { values } = parsed;
  const every = Number(values.every);
  if (!Number.isInteger(every) || every < 1) {
    throw new EvalError('usage', `--every must be a positive integer, got ${values.every}.\n${usage}`);
  }
  const suite = await loadSuite(values.suite);
  const replies: Array<{ id: string; text: string; draft?: string }> = [];
  for (const file of await dataFiles(suite.conversations)) {
    for await (const conversation of readConversations(file, { mapping: suite.mapping })) {
      conversation.turns.forEach((turn, index) => {
        if (turn.role !== 'agent') return;
        replies.push({
          id: `${conversation.id}#${index}`,
          text: turn.text,
          ...(turn.draft !== undefined ? { draft: turn.draft } : {}),
        });
      });
    }
  }
  const pairs: TerPair[] = [];
  const add = (
    kind: TerPair['kind'],
    id: string,
    hypothesis: readonly string[],
    reference: readonly string[],
    texts?: { hypothesisText: string; referenceText: string },
  ) => {
    if (reference.length > 0)
      pairs.push({ kind, id, hypothesis: hypothesis.join(' '), reference: reference.join(' '), ...texts });
  };
  const fromTexts = (kind: TerPair['kind'], id: string, hypothesisText: string, referenceText: string) =>
    add(kind, id, tokenizeWords(hypothesisText), tokenizeWords(referenceText), {
      hypothesisText,
      referenceText,
    });
  const drafted = replies.filter(
    (reply): reply is typeof reply & { draft: string } => reply.draft !== undefined,
  );
  drafted.forEach((reply, index) => {
    if (index % every === 0) fromTexts('draft', reply.id, reply.draft, reply.text);
  });
  replies.forEach((reply, index) => {
    if (index % every !== 0) return;
    const next = replies[(index + 1) % replies.length]!;
    const words = tokenizeWords(reply.text);
    add('unrelated', `${reply.id}>${next.id}`, words, tokenizeWords(next.text), {
      hypothesisText: reply.text,
      referenceText: next.text,
    });
    add('moved', reply.id, swapBlocks(words, Math.imul(index + 1, 2654435761) >>> 0), words);
  });
  if (pairs.length === 0) {
    throw new EvalError('invalid-input', `${values.suite}: no agent replies to pair up.`);
  }
  for (const pair of pairs) process.stdout.write(`${JSON.stringify(pair)}\n`);
  process.stderr.write(
    `${pairs.length} pairs (from ${drafted.length} drafted and ${replies.length} agent replies, one in ${every})\n`,
  );
  return 0;
}

runScript('ter-pairs', main);
