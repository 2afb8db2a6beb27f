import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DelegationEvent, DelegationEventListener } from '@baton/core';

/**
 * A stand-in for one offline delegation, until `@baton/core`'s engine can be benchmarked
 * directly: lexical routing over capability keywords, context transfer with PII redaction, an
 * extractive retrieval answer over the real support knowledge base (BM25), one scripted model
 * call (no latency), a groundedness check, and — every tenth time — a failed verification, a
 * retry and a second attempt. Events are built only when a listener is present, as the core does.
 */

interface Paragraph {
  text: string;
  terms: Map<string, number>;
  length: number;
}

/** What the simulated delegations read: the knowledge base, agent cards and user messages. */
export interface Workload {
  paragraphs: Paragraph[];
  postings: Map<string, number[]>;
  averageLength: number;
  cards: { agentId: string; terms: Set<string> }[];
  messages: string[];
}

const wordPattern = /[\p{L}\p{N}]+/gu;

function terms(text: string): string[] {
  return text.toLowerCase().match(wordPattern) ?? [];
}

/** Loads the support corpus under `datasetRoot` (knowledge articles and conversations). */
export function loadWorkload(datasetRoot: string): Workload {
  const paragraphs: Paragraph[] = [];
  const cards = new Map<string, Set<string>>();
  const knowledge = join(datasetRoot, 'knowledge');
  for (const domain of readdirSync(knowledge)) {
    const cardTerms = cards.get(domain) ?? new Set<string>();
    cards.set(domain, cardTerms);
    for (const file of readdirSync(join(knowledge, domain))) {
      const text = readFileSync(join(knowledge, domain, file), 'utf8');
      const [, front = '', body = text] = /^---\n([\s\S]*?)\n---\n([\s\S]*)$/.exec(text) ?? [];
      for (const term of terms(front)) cardTerms.add(term);
      for (const block of body.split(/\n\s*\n/)) {
        const words = terms(block);
        if (words.length < 5) continue;
        const counts = new Map<string, number>();
        for (const word of words) counts.set(word, (counts.get(word) ?? 0) + 1);
        paragraphs.push({ text: block, terms: counts, length: words.length });
      }
    }
  }
  const postings = new Map<string, number[]>();
  paragraphs.forEach((paragraph, index) => {
    for (const term of paragraph.terms.keys()) {
      const list = postings.get(term) ?? [];
      list.push(index);
      postings.set(term, list);
    }
  });
  const messages: string[] = [];
  const conversations = join(datasetRoot, 'conversations');
  for (const file of readdirSync(conversations).filter((name) => name.endsWith('.jsonl'))) {
    for (const line of readFileSync(join(conversations, file), 'utf8').split('\n')) {
      if (!line.trim()) continue;
      const conversation = JSON.parse(line) as { turns: { role: string; text: string }[] };
      for (const turn of conversation.turns) if (turn.role === 'user') messages.push(turn.text);
    }
  }
  return {
    paragraphs,
    postings,
    averageLength: paragraphs.reduce((sum, paragraph) => sum + paragraph.length, 0) / paragraphs.length,
    cards: [...cards].map(([agentId, cardTerms]) => ({ agentId, terms: cardTerms })),
    messages,
  };
}

function route(workload: Workload, words: string[]) {
  return workload.cards
    .map((card) => {
      let hits = 0;
      for (const word of words) if (card.terms.has(word)) hits += 1;
      return { agentId: card.agentId, score: hits / Math.sqrt(words.length + 1) };
    })
    .sort((a, b) => b.score - a.score)
    .slice(0, 3);
}

function retrieve(workload: Workload, words: string[]): Paragraph[] {
  const scores = new Map<number, number>();
  const total = workload.paragraphs.length;
  for (const word of new Set(words)) {
    const list = workload.postings.get(word);
    if (!list) continue;
    const idf = Math.log(1 + (total - list.length + 0.5) / (list.length + 0.5));
    for (const index of list) {
      const paragraph = workload.paragraphs[index]!;
      const tf = paragraph.terms.get(word)!;
      const norm = tf + 1.2 * (0.25 + (0.75 * paragraph.length) / workload.averageLength);
      scores.set(index, (scores.get(index) ?? 0) + (idf * tf * 2.2) / norm);
    }
  }
  return [...scores]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 3)
    .map(([index]) => workload.paragraphs[index]!);
}

const piiPattern = /[\w.+-]+@[\w-]+\.[\w.]+|\+?\d[\d\s-]{7,}\d/g;
const clock = { now: () => performance.timeOrigin + performance.now() };
const usage = { inputTokens: 120, outputTokens: 40 };
let counter = 0;

/** Runs one simulated delegation for user message number `index`, emitting events to `listener` if given. */
export async function simulateDelegation(
  workload: Workload,
  index: number,
  listener: DelegationEventListener | undefined,
): Promise<string> {
  const emit = listener ? (event: DelegationEvent) => listener(event) : undefined;
  const message = workload.messages[index % workload.messages.length]!;
  const history = [workload.messages[(index + 1) % workload.messages.length]!, message];
  const id = (prefix: string) => `${prefix}-${++counter}`;
  const turnId = id('turn');
  const started = clock.now();
  emit?.({
    type: 'turn-start',
    id: turnId,
    time: clock.now(),
    strategy: 'lexical',
    input: message,
    conversationId: `c${index}`,
    turnIndex: 0,
  });

  const words = terms(message);
  const candidates = route(workload, words);
  const chosen = candidates[0]?.agentId ?? 'general';
  const delegationId = id('del');
  emit?.({
    type: 'delegation-start',
    id: delegationId,
    parentId: turnId,
    time: clock.now(),
    mode: 'delegate',
    strategy: 'lexical',
    delegatorId: 'front',
    depth: 1,
    goal: message,
    candidates,
    chosenAgentId: chosen,
    reason: `lexical match: ${words.slice(0, 3).join(', ')}`,
  });
  const context = history.join('\n').replace(piiPattern, '[redacted]');

  const attempts = index % 10 === 0 ? 2 : 1;
  let answer = '';
  const attemptRecords = [];
  for (let attempt = 1; attempt <= attempts; attempt++) {
    const rung = attempt === 1 ? ('primary' as const) : ('retry' as const);
    if (attempt > 1) {
      emit?.({
        type: 'fallback-start',
        id: id('fb'),
        parentId: delegationId,
        time: clock.now(),
        rung: 'retry',
        reason: 'Not grounded.',
      });
    }
    const attemptId = id('att');
    emit?.({
      type: 'attempt-start',
      id: attemptId,
      parentId: delegationId,
      time: clock.now(),
      agentId: chosen,
      attempt,
      rung,
      contextCharacters: context.length,
    });
    const runId = id('run');
    emit?.({
      type: 'agent-run-start',
      id: runId,
      parentId: attemptId,
      time: clock.now(),
      agentId: chosen,
      agentKind: 'retrieval',
      goal: message,
    });
    const sources = retrieve(workload, words);
    const request = {
      messages: [
        { role: 'system' as const, content: 'Answer from the sources.' },
        { role: 'user' as const, content: message },
      ],
    };
    const callId = id('call');
    emit?.({
      type: 'model-call-start',
      id: callId,
      parentId: runId,
      time: clock.now(),
      agentId: chosen,
      provider: 'scripted',
      modelId: 'scripted-1',
      request,
    });
    await Promise.resolve();
    answer = sources.map((source) => source.text.split(/(?<=[.!?])\s/)[0]).join(' ');
    emit?.({
      type: 'model-call-end',
      id: callId,
      parentId: runId,
      time: clock.now(),
      agentId: chosen,
      provider: 'scripted',
      modelId: 'scripted-1',
      response: {
        message: { content: answer, toolCalls: [] },
        finishReason: 'stop',
        usage,
        modelId: 'scripted-1',
      },
      usage,
      costUsd: 0,
      latencyMs: 0,
    });
    emit?.({
      type: 'agent-run-end',
      id: runId,
      parentId: attemptId,
      time: clock.now(),
      agentId: chosen,
      output: answer,
      confidence: 0.7,
      usage,
    });
    const answerTerms = new Set(terms(answer));
    let grounded = 0;
    for (const source of sources)
      for (const term of source.terms.keys()) if (answerTerms.has(term)) grounded += 1;
    const passed = attempt === attempts && grounded >= 0;
    const verdicts = [
      {
        verifier: 'groundedness',
        passed,
        score: passed ? 0.9 : 0.2,
        reason: passed ? 'Grounded.' : 'Not grounded.',
      },
    ];
    emit?.({
      type: 'verification-end',
      id: id('ver'),
      parentId: attemptId,
      time: clock.now(),
      agentId: chosen,
      attempt,
      passed,
      verdicts,
    });
    const outcome = passed ? ('accepted' as const) : ('rejected' as const);
    emit?.({
      type: 'attempt-end',
      id: attemptId,
      parentId: delegationId,
      time: clock.now(),
      agentId: chosen,
      attempt,
      rung,
      outcome,
      usage,
      costUsd: 0,
      latencyMs: 1,
    });
    attemptRecords.push({
      index: attempt,
      agentId: chosen,
      rung,
      outcome,
      verdicts,
      output: answer,
      usage,
      costUsd: 0,
      latencyMs: 1,
    });
  }
  if (emit) {
    emit({
      type: 'delegation-end',
      id: delegationId,
      parentId: turnId,
      time: clock.now(),
      record: {
        id: delegationId,
        parentId: turnId,
        mode: 'delegate',
        strategy: 'lexical',
        delegatorId: 'front',
        depth: 1,
        task: { goal: message },
        candidates,
        chosenAgentId: chosen,
        reason: 'lexical match',
        context: { policy: 'last-n', messages: history.length, characters: context.length, redactions: 0 },
        attempts: attemptRecords,
        fallbacks: attempts > 1 ? [{ rung: 'retry', reason: 'Not grounded.' }] : [],
        outcome: 'completed',
        answeredBy: chosen,
        excluded: [],
        usage,
        costUsd: 0,
        latencyMs: clock.now() - started,
        startedAt: started,
      },
    });
    emit({
      type: 'turn-end',
      id: turnId,
      time: clock.now(),
      strategy: 'lexical',
      outcome: 'answered',
      answer,
      respondedBy: [chosen],
      usage,
      costUsd: 0,
      latencyMs: clock.now() - started,
    });
  }
  return answer;
}
