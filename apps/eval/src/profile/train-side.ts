import type { Conversation } from '../dataset/conversation.js';
import { type ReadConversationsOptions, readConversations } from '../dataset/load-conversations.js';
import type { SplitPart } from '../dataset/split.js';
import type { SplitAssigner } from '../dataset/split-assigner.js';

/**
 * The conversations a router may learn from while `part` is evaluated: every conversation of the
 * `--train` file when one is given, else the train side of the evaluated data when the test side
 * is evaluated, else none (evaluating the train side or everything leaves nothing unseen to learn
 * from). The same rule as the trained routers' training data (`collectTraining` in `evaluate.ts`);
 * kept apart because the measured router needs whole conversations, not labelled texts.
 *
 * @returns A function that opens the stream afresh, or `undefined` when there is nothing to learn from.
 */
export function trainSide(options: {
  part: SplitPart | undefined;
  assigner: SplitAssigner;
  trainSource?: string;
  readOptions: ReadConversationsOptions;
  read: () => AsyncIterable<Conversation>;
}): { source: 'train-file' | 'train-split'; open: () => AsyncIterable<Conversation> } | undefined {
  const { trainSource } = options;
  if (trainSource !== undefined) {
    return { source: 'train-file', open: () => readConversations(trainSource, options.readOptions) };
  }
  if (options.part !== 'test') return undefined;
  const { assigner, read } = options;
  return {
    source: 'train-split',
    open: async function* () {
      for await (const conversation of read())
        if (assigner.partOf(conversation.id) === 'train') yield conversation;
    },
  };
}
