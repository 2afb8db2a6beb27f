import { join } from 'node:path';
import {
  createMockOpenAIServer,
  type MockOpenAIServer,
  type MockRequest,
  reply,
} from '@baton/providers/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunFolder, readRunFolder } from './read-run-folder.js';
import { type BatonOutcome, fastFlags, makeTempFolder, runBaton } from './run-baton.js';

interface OfferedTool {
  type: string;
  function: { name: string; parameters: { properties: { agent?: { enum: string[] } } } };
}

function offeredTools(request: MockRequest): OfferedTool[] {
  const body = request.body as { tools?: OfferedTool[] } | null;
  return body?.tools ?? [];
}

describe('baton eval --strategies route-llm with a model that delegates by tool call', () => {
  let temp: Awaited<ReturnType<typeof makeTempFolder>>;
  let server: MockOpenAIServer;
  let outcome: BatonOutcome;
  let run: RunFolder;

  beforeAll(async () => {
    temp = await makeTempFolder();
    // Requests that offer tools come from the router: it delegates every turn to billing. The
    // specialists' own calls (no tools) get the server's default answer.
    server = await createMockOpenAIServer({
      handler: (request) =>
        offeredTools(request).some((tool) => tool.function.name === 'delegate')
          ? reply.chat({
              toolCalls: [
                {
                  name: 'delegate',
                  arguments: JSON.stringify({
                    agent: 'billing',
                    task: 'Answer the customer’s payment question.',
                    reason: 'a payment question',
                  }),
                },
              ],
            })
          : undefined,
    });
    outcome = await runBaton(
      [
        'eval',
        ...fastFlags,
        '--model',
        'openai:gpt-4.1-mini',
        '--strategies',
        'route-llm',
        '--limit',
        '1',
      ].concat(['--out', 'run']),
      { cwd: temp.path, env: { OPENAI_API_KEY: 'sk-test-delegation', OPENAI_BASE_URL: server.url } },
    );
    run = await readRunFolder(join(temp.path, 'run'));
  }, 60_000);

  afterAll(async () => {
    await server.close();
    await temp.remove();
  });

  it('offers the specialists of the suite as the delegate tool’s agents', () => {
    const routing = server.requests.filter((request) => offeredTools(request).length > 0);
    expect(routing.length).toBeGreaterThan(0);
    const delegate = offeredTools(routing[0]!).find((tool) => tool.function.name === 'delegate');
    expect(delegate?.function.parameters.properties.agent?.enum.sort()).toEqual(['billing', 'orders']);
  });

  it('records the delegation to billing in items.jsonl and has billing answer', () => {
    expect(outcome.code).toBe(0);
    // --limit 1: e-t1, two billing turns.
    const routed = run.items.filter((item) => item.strategy === 'route-llm');
    expect(routed.map((item) => item.itemId).sort()).toEqual(['e-t1#0', 'e-t1#2']);
    for (const item of routed) {
      expect(item.outcome).toBe('answered');
      expect(item.delegations[0]).toMatchObject({
        chosenAgentId: 'billing',
        delegatorId: 'desk',
        strategy: 'route-llm',
      });
      expect(item.respondedBy).toContain('billing');
      expect(item.answer).toContain('Mock answer to:');
      expect(item.scores.routingCorrect).toBe(true);
    }
  });

  it('counts the routing as correct in the summary', () => {
    expect(run.summary.strategies[0]!.metrics.routingAccuracy).toMatchObject({ mean: 1, n: 2 });
  });
});
