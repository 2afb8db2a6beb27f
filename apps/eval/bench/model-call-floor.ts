/*
 * The floor under the LLM path's figures: the harness benchmark's model calls made by a bare loop,
 * with no agent, knowledge search, scoring, tracing or output. N calls with C in flight against the
 * same stub host, each with a prompt of the harness's size (a ~6,000-character system prompt, as a
 * front desk's instructions and knowledge articles make, and a short user message).
 *
 * Modes: `model` sends them through Baton's OpenAI chat model (`createModel`: the `openai` SDK over
 * `createNodeFetch`, the host limiter at C, response validation), as every harness turn does;
 * `http` with Node's `http` alone (keep-alive, one JSON body out, one parsed back), the least any
 * Node client can spend. CPU and wall time are measured from the first call to the last (module
 * loading excluded; JIT warm-up included). Prints one JSON line: { mode, calls, wallMs, cpuMs }.
 *
 * Arguments: base URL, calls, concurrency, mode. Imports the compiled `@baton/providers` (run it
 * without the `@baton/source` condition), like the CLI the harness benchmark measures.
 */
import { Agent, request } from 'node:http';
import { createLimiterRegistry, createModel } from '@baton/providers';

const [baseUrl = '', callsArgument = '2000', concurrencyArgument = '32', mode = 'model'] =
  process.argv.slice(2);
const calls = Number(callsArgument);
const concurrency = Number(concurrencyArgument);
if (!baseUrl || !(calls > 0) || !(concurrency > 0) || (mode !== 'model' && mode !== 'http')) {
  throw new Error('usage: model-call-floor.ts <base URL> <calls> <concurrency> <model|http>');
}

const system = `You are the front desk of a support team. ${'Answer from the knowledge given. '.repeat(180)}`;
const messagesOf = (call: number) => [
  { role: 'system' as const, content: system },
  { role: 'user' as const, content: `My card reader will not pair, what do I do? (ticket T${call})` },
];

const model = createModel('openai:gpt-4.1-mini', {
  env: { OPENAI_API_KEY: 'sk-bench', OPENAI_BASE_URL: baseUrl },
  limiters: createLimiterRegistry({ defaults: { maxConcurrency: concurrency } }),
});
const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
const endpoint = new URL(`${baseUrl.replace(/\/$/, '')}/chat/completions`);

function httpCall(call: number): Promise<void> {
  const body = JSON.stringify({ model: 'gpt-4.1-mini', messages: messagesOf(call) });
  return new Promise((resolve, reject) => {
    const outgoing = request(
      endpoint,
      {
        method: 'POST',
        agent,
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
          authorization: 'Bearer sk-bench',
        },
      },
      (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => {
          text += chunk;
        });
        response.on('end', () => {
          if (response.statusCode !== 200) reject(new Error(`HTTP ${response.statusCode}: ${text}`));
          else {
            JSON.parse(text);
            resolve();
          }
        });
        response.on('error', reject);
      },
    );
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}

let next = 0;
async function lane(): Promise<void> {
  while (next < calls) {
    const call = next;
    next += 1;
    if (mode === 'http') await httpCall(call);
    else await model.generate({ messages: messagesOf(call) }, {});
  }
}

const cpuBefore = process.cpuUsage();
const started = performance.now();
await Promise.all(Array.from({ length: concurrency }, lane));
const wallMs = performance.now() - started;
const cpu = process.cpuUsage(cpuBefore);
agent.destroy();
process.stdout.write(`${JSON.stringify({ mode, calls, wallMs, cpuMs: (cpu.user + cpu.system) / 1000 })}\n`);
