/*
 * Benchmarks of @baton/providers against the local mock server (no network). The server runs
 * in its own process, as a real host would, so the numbers are the client's alone.
 *  1. The adapter's own overhead per call versus calling the `openai` SDK directly
 *     (target: adapter/SDK under 1.1×).
 *  2. The host limiter's throughput at concurrency 64 against a server with fixed latency L
 *     (target: at least 95% of the ideal N·L/C).
 * Exits non-zero only on a crash; missed targets are reported loudly.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import OpenAI from 'openai';
import { Bench } from 'tinybench';
import { createLimiterRegistry } from '../src/limiter-registry.js';
import { createOpenAIChatModel } from '../src/openai-chat-model.js';

interface Row {
  benchmark: string;
  value: string;
  target: string;
  verdict: string;
}

const rows: Row[] = [];
const missed: string[] = [];
const messages = [{ role: 'user' as const, content: 'What is the capital of France?' }];

function record(benchmark: string, value: string, target: string, met: boolean | undefined): void {
  rows.push({ benchmark, value, target, verdict: met === undefined ? '(context)' : met ? 'met' : 'MISSED' });
  if (met === false) missed.push(`${benchmark}: ${value} (target ${target})`);
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

async function startServer(latencyMs: number): Promise<{ url: string; process: ChildProcess }> {
  const script = fileURLToPath(new URL('./mock-server-process.ts', import.meta.url));
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', '--conditions=@baton/source', script, String(latencyMs)],
    {
      stdio: ['pipe', 'pipe', 'inherit'],
    },
  );
  const url = await new Promise<string>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`The mock server exited with ${code}.`)));
    child.stdout?.once('data', (data) => resolve(String(data).trim()));
  });
  child.removeAllListeners('exit');
  return { url, process: child };
}

function stopServer(server: { process: ChildProcess }): Promise<void> {
  return new Promise((resolve) => {
    server.process.once('exit', () => resolve());
    server.process.stdin?.end();
  });
}

async function overheadPerCall(): Promise<void> {
  const server = await startServer(0);
  try {
    const client = new OpenAI({ apiKey: 'sk-bench', baseURL: server.url, maxRetries: 0, logLevel: 'off' });
    const model = createOpenAIChatModel({ model: 'gpt-4.1-mini', client, limiters: createLimiterRegistry() });
    const sdkCall = async () => {
      await client.chat.completions.create({ model: 'gpt-4.1-mini', messages });
    };
    const adapterCall = async () => {
      await model.generate({ messages });
    };
    const sdkName = 'openai SDK directly';
    const adapterName = 'Baton adapter (limiter, timeout, retry, zod)';
    const bench = new Bench({ name: 'one chat call at a time', time: 1_000 });
    bench.add(sdkName, sdkCall).add(adapterName, adapterCall);
    await bench.run();
    console.log(`\n${bench.name}`);
    console.table(bench.table());

    // The ratio comes from calls paired one by one in alternating order: on a shared machine the
    // speed drifts by more than the overhead we measure, and pairing cancels the drift.
    const pairs = 3_000;
    const sdkSamples: number[] = [];
    const adapterSamples: number[] = [];
    const timed = async (call: () => Promise<void>, samples: number[]) => {
      const started = performance.now();
      await call();
      samples.push(performance.now() - started);
    };
    for (let pair = 0; pair < pairs; pair++) {
      if (pair % 2 === 0) {
        await timed(sdkCall, sdkSamples);
        await timed(adapterCall, adapterSamples);
      } else {
        await timed(adapterCall, adapterSamples);
        await timed(sdkCall, sdkSamples);
      }
    }
    const sdkMs = median(sdkSamples);
    const adapterMs = median(adapterSamples);
    const ratio = adapterMs / sdkMs;
    const extra = (adapterMs - sdkMs) * 1000;
    record(
      `adapter vs SDK, median latency of ${pairs} paired calls`,
      `${(adapterMs * 1000).toFixed(0)} µs vs ${(sdkMs * 1000).toFixed(0)} µs = ${ratio.toFixed(3)}× (${extra >= 0 ? '+' : ''}${extra.toFixed(0)} µs per call)`,
      '< 1.1×',
      ratio < 1.1,
    );
  } finally {
    await stopServer(server);
  }
}

async function limiterThroughput(): Promise<void> {
  const concurrency = 64;

  // a) The limiter alone, around tasks that take exactly L: its own scheduling efficiency.
  {
    const latencyMs = 50;
    const calls = concurrency * 10;
    const ideal = (calls * latencyMs) / concurrency;
    const limiter = createLimiterRegistry({ defaults: { maxConcurrency: concurrency } }).get('bench');
    const started = performance.now();
    await Promise.all(
      Array.from({ length: calls }, () =>
        limiter.run(() => new Promise((resolve) => setTimeout(resolve, latencyMs))),
      ),
    );
    const elapsed = performance.now() - started;
    record(
      `limiter alone: N=${calls} tasks of L=${latencyMs} ms, C=${concurrency}`,
      `${elapsed.toFixed(0)} ms vs ideal ${ideal} ms = ${((ideal / elapsed) * 100).toFixed(1)}%`,
      '≥ 95%',
      ideal / elapsed >= 0.95,
    );
  }

  // b) Real calls through the adapter and limiter against a server that answers after exactly L.
  // L = 2 s is a short LLM answer (the target row); L = 50 ms shows where the HTTP client's own
  // CPU cost dominates. The SDK with 64 unlimited workers is the client's ceiling.
  for (const latencyMs of [2_000, 50]) {
    const calls = concurrency * 4;
    const ideal = (calls * latencyMs) / concurrency;
    const server = await startServer(latencyMs);
    try {
      const client = new OpenAI({ apiKey: 'sk-bench', baseURL: server.url, maxRetries: 0, logLevel: 'off' });
      const limiters = createLimiterRegistry({ defaults: { maxConcurrency: concurrency } });
      const model = createOpenAIChatModel({ model: 'gpt-4.1-mini', client, limiters });
      // Warm the connection pool so that both runs measure steady state.
      await Promise.all(Array.from({ length: concurrency }, () => model.generate({ messages })));

      let next = 0;
      let started = performance.now();
      await Promise.all(
        Array.from({ length: concurrency }, async () => {
          while (next++ < calls) await client.chat.completions.create({ model: 'gpt-4.1-mini', messages });
        }),
      );
      const sdkElapsed = performance.now() - started;

      const limiter = limiters.get(new URL(server.url).host);
      let peak = 0;
      const watcher = setInterval(() => {
        peak = Math.max(peak, limiter.active);
      }, 1);
      started = performance.now();
      await Promise.all(Array.from({ length: calls }, () => model.generate({ messages })));
      const elapsed = performance.now() - started;
      clearInterval(watcher);
      const share = ideal / elapsed;
      record(
        `adapter + limiter vs server, L=${latencyMs} ms, N=${calls}, C=${concurrency}`,
        `${elapsed.toFixed(0)} ms vs ideal ${ideal} ms = ${(share * 100).toFixed(1)}% (peak in flight ${peak})`,
        latencyMs >= 2_000 ? '≥ 95%' : '(context)',
        latencyMs >= 2_000 ? share >= 0.95 && peak <= concurrency : undefined,
      );
      record(
        `  SDK alone, 64 workers, same server`,
        `${sdkElapsed.toFixed(0)} ms = ${((ideal / sdkElapsed) * 100).toFixed(1)}% of ideal (client ceiling)`,
        '(context)',
        undefined,
      );
    } finally {
      await stopServer(server);
    }
  }
}

await overheadPerCall();
await limiterThroughput();
console.log('\n@baton/providers benchmarks');
console.table(rows);
if (missed.length > 0) {
  console.log(
    `\n!!! ${missed.length} target(s) MISSED:\n${missed.map((line) => `  - ${line}`).join('\n')}\n`,
  );
} else {
  console.log('\nAll targets met.');
}
