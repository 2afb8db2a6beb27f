import type { LangfuseDatasetItem } from '@baton/tracing';
import { type FakeLangfuseServer, startFakeLangfuseServer } from '@baton/tracing/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Conversation } from './dataset/conversation.js';
import { type InvalidRecordPolicy, ReadTally } from './dataset/read-tally.js';
import { EvalError } from './eval-error.js';
import {
  conversationsFromLangfuseItems,
  langfuseConversations,
  placeholderText,
} from './langfuse-conversations.js';
import { replayTurns } from './replay-turn.js';

type ItemInput = Partial<LangfuseDatasetItem> & Pick<LangfuseDatasetItem, 'id'>;

async function* itemsOf(items: readonly ItemInput[]): AsyncGenerator<LangfuseDatasetItem> {
  for (const item of items) {
    yield { input: undefined, expectedOutput: undefined, metadata: null, status: 'ACTIVE', ...item };
  }
}

async function mapItems(items: readonly ItemInput[], onInvalid: InvalidRecordPolicy = 'stop') {
  const tally = new ReadTally({ onInvalid });
  const conversations: Conversation[] = [];
  for await (const conversation of conversationsFromLangfuseItems(itemsOf(items), {
    datasetName: 'support',
    tally,
  })) {
    conversations.push(conversation);
  }
  return { conversations, summary: tally.summary };
}

async function mapError(items: readonly ItemInput[]): Promise<Error> {
  try {
    await mapItems(items);
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the items to be refused');
}

/** An item as `baton eval` pushes it (see push-to-langfuse). */
function pushed(
  conversationId: string,
  turnIndex: number,
  texts: { message: string; reference: string },
  gold: { domains: string[]; intent?: string; language?: string } = { domains: [] },
): { id: string; input: unknown; expectedOutput: unknown; metadata: unknown } {
  return {
    id: `lf-${conversationId}-${turnIndex}`,
    input: { message: texts.message, conversationId, turnIndex },
    expectedOutput: { reference: texts.reference, gold },
    metadata: { conversationId, batonItemId: `${conversationId}#${turnIndex}` },
  };
}

describe('conversationsFromLangfuseItems', () => {
  describe('items pushed by Baton', () => {
    it('regroups the turns of a conversation, in any order, with the recorded history before each', async () => {
      const { conversations } = await mapItems([
        pushed('c1', 4, { message: 'and the fee?', reference: '1.4%' }, { domains: ['billing'] }),
        pushed(
          'c1',
          0,
          { message: 'payout missing', reference: 'Let me check.' },
          { domains: ['billing'], intent: 'payout-missing', language: 'en' },
        ),
        pushed('c1', 2, { message: 'it says held', reference: 'First-payout hold.' }),
      ]);

      expect(conversations).toHaveLength(1);
      const turns = replayTurns(conversations[0]!);
      expect(turns.map((turn) => turn.itemId)).toEqual(['c1#0', 'c1#2', 'c1#4']);
      expect(turns[2]).toMatchObject({
        input: 'and the fee?',
        reference: '1.4%',
        gold: { domains: ['billing'] },
        history: [
          { role: 'user', content: 'payout missing' },
          { role: 'assistant', content: 'Let me check.' },
          { role: 'user', content: 'it says held' },
          { role: 'assistant', content: 'First-payout hold.' },
        ],
      });
      expect(turns[0]?.gold).toEqual({ domains: ['billing'], intent: 'payout-missing', language: 'en' });
      expect(turns[1]?.gold).toEqual({ domains: [] });
    });

    it('keeps each turn at its index, with placeholders where no item covers the conversation', async () => {
      const { conversations } = await mapItems([
        pushed('c1', 5, { message: 'second question', reference: 'second answer' }),
        pushed('c1', 1, { message: 'first question', reference: 'first answer' }),
      ]);

      const conversation = conversations[0]!;
      expect(conversation.turns.map((turn) => [turn.role, turn.text])).toEqual([
        ['agent', placeholderText],
        ['user', 'first question'],
        ['agent', 'first answer'],
        ['agent', placeholderText],
        ['agent', placeholderText],
        ['user', 'second question'],
        ['agent', 'second answer'],
      ]);
      expect(conversation.turns[0]).toMatchObject({ placeholder: true });
      expect(replayTurns(conversation).map((turn) => turn.itemId)).toEqual(['c1#1', 'c1#5']);
    });

    it('yields conversations sorted by id after the generic items', async () => {
      const { conversations } = await mapItems([
        pushed('c2', 0, { message: 'b', reference: 'B' }),
        { id: 'generic-1', input: 'what is Tillwell', expectedOutput: 'a POS' },
        pushed('c1', 0, { message: 'a', reference: 'A' }),
      ]);

      expect(conversations.map((conversation) => conversation.id)).toEqual(['generic-1', 'c1', 'c2']);
    });

    it('refuses a turn that two items claim', async () => {
      const error = await mapError([
        pushed('c1', 0, { message: 'a', reference: 'A' }),
        { ...pushed('c1', 0, { message: 'again', reference: 'A' }), id: 'lf-dup' },
      ]);

      expect(error.message).toBe(
        'langfuse:support item lf-dup: input.turnIndex: conversation "c1" has turn 0 twice (also item lf-c1-0)',
      );
    });

    it('refuses a turn that sits where the previous turn’s reply goes', async () => {
      const { conversations, summary } = await mapItems(
        [
          pushed('c1', 1, { message: 'b', reference: 'B' }),
          pushed('c1', 0, { message: 'a', reference: 'A' }),
        ],
        'skip',
      );

      expect(replayTurns(conversations[0]!).map((turn) => turn.itemId)).toEqual(['c1#0']);
      expect(summary.issues.map((issue) => issue.message)).toEqual([
        'langfuse:support item lf-c1-1: input.turnIndex: turn 1 of conversation "c1" is where item lf-c1-0 puts its reference reply',
      ]);
    });

    it('names the field of a malformed pushed item', async () => {
      const item = pushed('c1', 0, { message: 'a', reference: 'A' });
      const error = await mapError([
        { ...item, input: { message: 'a', conversationId: 'c1', turnIndex: -1 } },
      ]);

      expect(EvalError.isInstance(error) && error.code).toBe('invalid-input');
      expect(error.message).toBe(
        'langfuse:support item lf-c1-0: input.turnIndex: must be at least 0, got -1',
      );
    });

    it('checks the gold labels a pushed item carries', async () => {
      const item = pushed(
        'c1',
        0,
        { message: 'a', reference: 'A' },
        { domains: ['billing'], language: 'English' },
      );

      expect((await mapError([item])).message).toBe(
        'langfuse:support item lf-c1-0: expectedOutput.gold.language: expected a language tag such as "en" or "pt-BR", got "English"',
      );
    });
  });

  describe('generic items', () => {
    it('makes a one-turn conversation with the item’s id, its metadata and gold labels from it', async () => {
      const { conversations } = await mapItems([
        {
          id: 'item-7',
          input: 'how much is Pro per year',
          expectedOutput: 'Pro costs 890 EUR a year.',
          metadata: { category: ['billing', 'plans'], intent: 'pricing', language: 'en', channel: 'chat' },
        },
      ]);

      expect(conversations).toEqual([
        {
          id: 'item-7',
          turns: [
            {
              role: 'user',
              text: 'how much is Pro per year',
              domain: ['billing', 'plans'],
              intent: 'pricing',
              language: 'en',
            },
            { role: 'agent', text: 'Pro costs 890 EUR a year.' },
          ],
          metadata: { channel: 'chat' },
        },
      ]);
    });

    it('keeps the gold labels out of the metadata a strategy receives (turn fields)', async () => {
      const { conversations } = await mapItems([
        {
          id: 'item-8',
          input: 'why was I charged twice',
          expectedOutput: 'Refunded within 5 days.',
          metadata: { domain: 'billing', intent: 'double-charge', language: 'en', channel: 'chat' },
        },
        {
          id: 'item-9',
          input: 'my reader will not pair',
          expectedOutput: 'Restart the reader.',
          metadata: { category: 'technical' },
        },
      ]);

      const turns = conversations.flatMap((conversation) => replayTurns(conversation));
      expect(turns.map((turn) => turn.gold)).toEqual([
        { domains: ['billing'], intent: 'double-charge', language: 'en' },
        { domains: ['technical'] },
      ]);
      expect(turns.map((turn) => turn.metadata)).toEqual([{ channel: 'chat' }, {}]);
    });

    it('reads the message and the reference from the usual keys', async () => {
      const { conversations } = await mapItems([
        {
          id: 'a',
          input: { question: 'q1' },
          expectedOutput: { answer: 'a1' },
          metadata: { domain: 'billing' },
        },
        { id: 'b', input: { message: 'q2' }, expectedOutput: { reference: 'a2' } },
        { id: 'c', input: { input: 'q3' }, expectedOutput: { output: 'a3' } },
        { id: 'd', input: { text: 'q4' }, expectedOutput: 'a4' },
      ]);

      expect(conversations.map((conversation) => conversation.turns.map((turn) => turn.text))).toEqual([
        ['q1', 'a1'],
        ['q2', 'a2'],
        ['q3', 'a3'],
        ['q4', 'a4'],
      ]);
      expect(conversations[0]?.turns[0]).toMatchObject({ domain: ['billing'] });
    });

    it('takes a messages list as the history and the user message to answer, without system messages', async () => {
      const { conversations } = await mapItems([
        {
          id: 'chat-1',
          input: {
            messages: [
              { role: 'system', content: 'You are Tillwell support.' },
              { role: 'user', content: 'hi' },
              { role: 'assistant', content: 'Hello! How can I help?' },
              { role: 'user', content: 'my reader shows E-455' },
            ],
          },
          expectedOutput: { answer: 'E-455 means the battery is low.' },
        },
      ]);

      const turns = replayTurns(conversations[0]!);
      expect(turns.at(-1)).toMatchObject({
        itemId: 'chat-1#2',
        input: 'my reader shows E-455',
        reference: 'E-455 means the battery is low.',
        history: [
          { role: 'user', content: 'hi' },
          { role: 'assistant', content: 'Hello! How can I help?' },
        ],
      });
    });

    it.each([
      [
        'an input of no known shape',
        { id: 'x', input: 5, expectedOutput: 'a' },
        'langfuse:support item x: input: got number 5; expected a string, an object with question, message, input or text, or { messages: [{ role, content }] }',
      ],
      [
        'an object input without a known key',
        { id: 'x', input: { prompt: 'q' }, expectedOutput: 'a' },
        'langfuse:support item x: input: got an object without any of these keys; expected a string, an object with question, message, input or text, or { messages: [{ role, content }] }',
      ],
      [
        'an empty message',
        { id: 'x', input: { question: '  ' }, expectedOutput: 'a' },
        'langfuse:support item x: input.question: must not be empty',
      ],
      [
        'a missing reference',
        { id: 'x', input: 'q' },
        'langfuse:support item x: expectedOutput: missing; expected the reference answer: a string or an object with answer, reference or output',
      ],
      [
        'a reference that is not text',
        { id: 'x', input: 'q', expectedOutput: { answer: 42 } },
        'langfuse:support item x: expectedOutput.answer: expected a string, got number 42',
      ],
      [
        'messages that end with the assistant',
        {
          id: 'x',
          input: {
            messages: [
              { role: 'user', content: 'q' },
              { role: 'assistant', content: 'a' },
            ],
          },
          expectedOutput: 'a',
        },
        'langfuse:support item x: input.messages: the last message (after system messages) must be the user message to answer',
      ],
      [
        'a message with an unknown role',
        { id: 'x', input: { messages: [{ role: 'bot', content: 'q' }] }, expectedOutput: 'a' },
        'langfuse:support item x: input.messages[0].role: expected "user", "assistant", "agent" or "system", got "bot"',
      ],
      [
        'a malformed language label',
        { id: 'x', input: 'q', expectedOutput: 'a', metadata: { language: 'English' } },
        'langfuse:support item x: metadata.language: expected a language tag such as "en" or "pt-BR", got "English"',
      ],
    ])('refuses %s, naming the dataset, the item and the field', async (_case, item, message) => {
      expect((await mapError([item])).message).toBe(message);
    });
  });

  it('skips invalid items with --on-invalid skip, counts them and goes on', async () => {
    const { conversations, summary } = await mapItems(
      [
        { id: 'bad-1', input: 5, expectedOutput: 'a' },
        { id: 'good', input: 'q', expectedOutput: 'a' },
        { id: 'bad-2', input: 'q' },
      ],
      'skip',
    );

    expect(conversations.map((conversation) => conversation.id)).toEqual(['good']);
    expect(summary).toMatchObject({ read: 1, skipped: 2 });
    expect(summary.issues.map((issue) => issue.file)).toEqual([
      'langfuse:support item bad-1',
      'langfuse:support item bad-2',
    ]);
  });

  it('refuses a conversation id that a generic item already took', async () => {
    const { conversations, summary } = await mapItems(
      [{ id: 'c1', input: 'q', expectedOutput: 'a' }, pushed('c1', 0, { message: 'b', reference: 'B' })],
      'skip',
    );

    expect(conversations.map((conversation) => conversation.turns[0]?.text)).toEqual(['q']);
    expect(summary.issues[0]?.message).toBe(
      'langfuse:support conversation c1: duplicate conversation id "c1" (first at langfuse:support item c1)',
    );
  });

  it('calls a dataset without active items an invalid input', async () => {
    expect((await mapError([])).message).toBe('langfuse:support: the dataset has no active items');
    expect((await mapItems([], 'skip')).summary).toMatchObject({ read: 0, skipped: 0 });
  });
});

describe('langfuseConversations', () => {
  let server: FakeLangfuseServer;
  const keys = { publicKey: 'pk-lf-test', secretKey: 'sk-lf-test' };
  const env = () => ({
    LANGFUSE_PUBLIC_KEY: keys.publicKey,
    LANGFUSE_SECRET_KEY: keys.secretKey,
    LANGFUSE_BASE_URL: server.baseUrl,
  });

  beforeEach(async () => {
    server = await startFakeLangfuseServer({ keys });
  });
  afterEach(async () => {
    await server.close();
  });

  async function collect(stream: AsyncIterable<Conversation>): Promise<Conversation[]> {
    const conversations: Conversation[] = [];
    for await (const conversation of stream) conversations.push(conversation);
    return conversations;
  }

  async function failure(stream: AsyncIterable<Conversation>): Promise<EvalError> {
    try {
      await collect(stream);
    } catch (error) {
      if (EvalError.isInstance(error)) return error;
      throw error;
    }
    throw new Error('expected the read to fail');
  }

  it('reads a dataset over several pages, regrouping conversations whose turns span pages', async () => {
    server.seedDataset('baton/support', [
      pushed('c1', 0, { message: 'a', reference: 'A' }),
      pushed('c2', 0, { message: 'x', reference: 'X' }),
      pushed('c1', 2, { message: 'b', reference: 'B' }),
      { id: 'faq-1', input: { question: 'q' }, expectedOutput: { answer: 'a' } },
      { ...pushed('c1', 4, { message: 'c', reference: 'C' }), status: 'ARCHIVED' },
    ]);
    const stream = langfuseConversations({ name: 'baton/support', env: env(), pageSize: 2 });

    const conversations = await collect(stream);

    expect(conversations.map((conversation) => conversation.id)).toEqual(['faq-1', 'c1', 'c2']);
    expect(replayTurns(conversations[1]!).map((turn) => turn.itemId)).toEqual(['c1#0', 'c1#2']);
    expect(stream.summary).toMatchObject({ read: 3, skipped: 0 });
    expect(server.requestsTo('/api/public/dataset-items')).toHaveLength(3);
  });

  it('reads the dataset again on each iteration, with a fresh summary', async () => {
    server.seedDataset('support', [{ id: 'faq-1', input: 'q', expectedOutput: 'a' }]);
    const stream = langfuseConversations({ name: 'support', env: env() });

    await collect(stream);
    await collect(stream);

    expect(stream.summary.read).toBe(1);
    expect(server.requestsTo('/api/public/dataset-items')).toHaveLength(2);
  });

  it('reports an unknown dataset as not found, a user error', async () => {
    const error = await failure(langfuseConversations({ name: 'nope', env: env() }));

    expect(error.code).toBe('not-found');
    expect(error.exitCode).toBe(2);
    expect(error.message).toBe(`Langfuse dataset "nope" does not exist at ${server.baseUrl} (HTTP 404).`);
  });

  it('reports refused keys as an input error', async () => {
    const error = await failure(
      langfuseConversations({ name: 'support', env: { ...env(), LANGFUSE_SECRET_KEY: 'wrong' } }),
    );

    expect(error.code).toBe('invalid-input');
    expect(error.message).toContain('refused the keys (HTTP 401)');
  });

  it('says which variables to set when Langfuse is not configured', async () => {
    const error = await failure(langfuseConversations({ name: 'support', env: {} }));

    expect(error.code).toBe('usage');
    expect(error.message).toContain('LANGFUSE_PUBLIC_KEY and LANGFUSE_SECRET_KEY are not set');
  });

  it('ends quietly when the run is aborted', async () => {
    const controller = new AbortController();
    controller.abort(new Error('interrupted'));
    server.seedDataset('support', [{ id: 'faq-1', input: 'q', expectedOutput: 'a' }]);

    expect(
      await collect(langfuseConversations({ name: 'support', env: env(), signal: controller.signal })),
    ).toEqual([]);
  });
});
