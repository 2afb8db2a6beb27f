/*
 * Baton's cost of one model-driven delegation against @openai/agents' agent-as-tool, in one
 * process, with stub models that answer at once: whatever time is measured is the frameworks'.
 *
 * - Baton: a team whose router model (route-llm) calls the `delegate` tool for `billing`, whose LLM
 *   agent then answers. Two model calls.
 * - @openai/agents (agents-core, the package with Agent, run and asTool): an orchestrator whose
 *   model calls the `billing` agent as a tool (`asTool`), whose model answers; the tool's output is
 *   the final output (`toolUseBehavior: 'stop_on_first_tool'`), so also two model calls.
 *
 * Target: Baton at most 1/10 of @openai/agents. The two run interleaved, sample by sample, so a
 * change in the machine's load hits both alike; the figure is the ratio of the medians.
 */

import { type ChatModel, type ChatResponse, createLlmAgent, createTeam, routeLlm } from '@baton/core';
import {
  Agent,
  type AgentOutputItem,
  type Model,
  type ModelRequest,
  type ModelResponse,
  run,
  setTracingDisabled,
  Usage,
} from '@openai/agents-core';

const answer = 'Refunds take 5–10 business days.';
const message = 'I was charged twice, can I get a refund?';

/** A Baton chat model that always gives the same response, recording nothing. */
function stubChatModel(response: ChatResponse): ChatModel {
  return {
    specificationVersion: 'v1',
    provider: 'stub',
    modelId: 'stub',
    generate: async () => response,
  };
}

const usage = { inputTokens: 10, outputTokens: 8 };
const routerModel = stubChatModel({
  message: {
    content: null,
    toolCalls: [
      {
        id: 'call_1',
        name: 'delegate',
        arguments: JSON.stringify({ agent: 'billing', task: message, reason: 'a refund' }),
      },
    ],
  },
  finishReason: 'tool-calls',
  usage,
  modelId: 'stub',
});
const agentModel = stubChatModel({
  message: { content: answer, toolCalls: [] },
  finishReason: 'stop',
  usage,
  modelId: 'stub',
});
const card = (id: string, words: string) => ({
  id,
  name: id,
  description: words,
  domains: [id],
  skills: [{ id, name: id, description: words, examples: [words] }],
});
const batonTeam = createTeam({
  front: createLlmAgent({
    card: card('front', 'general questions'),
    model: agentModel,
    instructions: 'front',
  }),
  delegates: [
    createLlmAgent({
      card: card('billing', 'invoice refund charge'),
      model: agentModel,
      instructions: 'billing',
    }),
  ],
  strategy: routeLlm({ model: routerModel }),
});

/** An @openai/agents model that always gives the same output items. */
class StubModel implements Model {
  constructor(private readonly output: () => AgentOutputItem[]) {}
  async getResponse(_request: ModelRequest): Promise<ModelResponse> {
    return {
      usage: new Usage({ requests: 1, inputTokens: 10, outputTokens: 8, totalTokens: 18 }),
      output: this.output(),
    };
  }
  // biome-ignore lint/correctness/useYield: the benchmark never streams.
  async *getStreamedResponse(): AsyncIterable<never> {
    throw new Error('not streamed');
  }
}

setTracingDisabled(true);
const billing = new Agent({
  name: 'billing',
  instructions: 'billing',
  model: new StubModel(() => [
    {
      type: 'message',
      role: 'assistant',
      status: 'completed',
      content: [{ type: 'output_text', text: answer }],
    },
  ]),
});
const orchestrator = new Agent({
  name: 'front',
  instructions: 'front',
  tools: [billing.asTool({ toolName: 'billing', toolDescription: 'invoice refund charge' })],
  toolUseBehavior: 'stop_on_first_tool',
  model: new StubModel(() => [
    {
      type: 'function_call',
      callId: 'call_1',
      name: 'billing',
      status: 'completed',
      arguments: JSON.stringify({ input: message }),
    },
  ]),
});

async function batonDelegation(): Promise<void> {
  const result = await batonTeam.respond({ message, history: [] });
  if (result.answer !== answer || result.delegations[0]?.chosenAgentId !== 'billing')
    throw new Error(`Baton did not delegate to billing: ${JSON.stringify(result.answer)}`);
}

async function agentsDelegation(): Promise<void> {
  const result = await run(orchestrator, message);
  if (result.finalOutput !== answer)
    throw new Error(`@openai/agents did not answer through billing: ${String(result.finalOutput)}`);
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/**
 * Measures both, interleaved. Returns the medians in µs and whether Baton takes at most a tenth.
 */
export async function compareWithOpenAIAgents(samples = 2_000): Promise<{
  batonUs: number;
  agentsUs: number;
  ratio: number;
  met: boolean;
}> {
  // Warm-up: both JITs hot before anything is measured.
  for (let index = 0; index < 300; index += 1) {
    await batonDelegation();
    await agentsDelegation();
  }
  const baton: number[] = [];
  const agents: number[] = [];
  for (let index = 0; index < samples; index += 1) {
    const order = index % 2 === 0 ? [batonDelegation, agentsDelegation] : [agentsDelegation, batonDelegation];
    for (const call of order) {
      const started = performance.now();
      await call();
      (call === batonDelegation ? baton : agents).push((performance.now() - started) * 1000);
    }
  }
  const batonUs = median(baton);
  const agentsUs = median(agents);
  const ratio = batonUs / agentsUs;
  return { batonUs, agentsUs, ratio, met: ratio <= 0.1 };
}
