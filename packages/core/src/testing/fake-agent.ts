import type { Agent, AgentInput, AgentOutput } from '../agent.js';
import { type CapabilityCardInput, capabilityCardSchema } from '../capability-card.js';
import { emptyUsage } from '../chat-model.js';
import type { RunScope } from '../run-scope.js';

/** What a fake agent does on each call: a reply, or a function of the input and call number. */
export type FakeBehaviour =
  | string
  | Partial<AgentOutput>
  | ((
      input: AgentInput,
      call: number,
      scope: RunScope,
    ) => Partial<AgentOutput> | string | Promise<Partial<AgentOutput> | string>);

/** An {@link Agent} for tests with a record of its inputs. */
export interface FakeAgent extends Agent {
  readonly inputs: AgentInput[];
}

/**
 * An agent whose behaviour a test scripts: fixed replies, failures (`throw` inside the function),
 * latency (`delayMs`, honouring the signal), confidence. Records every input it receives.
 *
 * @example
 * ```ts
 * const billing = fakeAgent({ card: { id: 'billing', name: 'Billing', description: 'Invoices', domains: ['billing'] }, reply: 'Refund issued.' });
 * ```
 */
export function fakeAgent(options: {
  card: CapabilityCardInput;
  reply?: FakeBehaviour;
  delayMs?: number;
  kind?: string;
}): FakeAgent {
  const card = capabilityCardSchema.parse(options.card);
  const inputs: AgentInput[] = [];
  return {
    id: card.id,
    card,
    kind: options.kind ?? 'fake',
    inputs,
    async run(input, scope) {
      inputs.push(input);
      if (options.delayMs) await delay(options.delayMs, scope.signal);
      const behaviour = options.reply ?? `${card.id} answered`;
      const produced =
        typeof behaviour === 'function' ? await behaviour(input, inputs.length, scope) : behaviour;
      const partial = typeof produced === 'string' ? { text: produced } : produced;
      return { text: '', status: 'answered', usage: emptyUsage, costUsd: 0, ...partial };
    },
  };
}

function delay(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const timer = setTimeout(resolve, ms);
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        reject(signal.reason);
      },
      { once: true },
    );
  });
}
