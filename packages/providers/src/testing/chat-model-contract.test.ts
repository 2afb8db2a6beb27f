import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLimiterRegistry } from '../limiter-registry.js';
import { createOpenAIChatModel } from '../openai-chat-model.js';
import { chatModelContract } from './chat-model-contract.js';
import { createMockOpenAIServer, type MockOpenAIServer, reply } from './mock-openai-server.js';

let server: MockOpenAIServer;
beforeAll(async () => {
  server = await createMockOpenAIServer();
});
afterAll(async () => {
  await server.close();
});

chatModelContract(
  { describe, expect, it },
  {
    name: 'createOpenAIChatModel against the mock server',
    createModel: (script) => {
      server.setHandler(() =>
        script.kind === 'text'
          ? reply.chat({ content: script.text })
          : reply.chat({ toolCalls: script.toolCalls }),
      );
      return createOpenAIChatModel({
        model: 'gpt-4.1-mini',
        apiKey: 'sk-test',
        baseURL: server.url,
        limiters: createLimiterRegistry(),
      });
    },
  },
);
