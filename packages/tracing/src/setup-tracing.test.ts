import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { retryFallbackFanOut } from '../test/delegation-scenarios.js';
import { readJsonlSpans } from './jsonl-span-record.js';
import { type SetupTracingOptions, setupTracing } from './setup-tracing.js';
import { type FakeLangfuseServer, startFakeLangfuseServer } from './testing/fake-langfuse-server.js';

const keys = { publicKey: 'pk-lf-test', secretKey: 'sk-lf-test' };
const expectedAuthorization = `Basic ${Buffer.from('pk-lf-test:sk-lf-test').toString('base64')}`;

let directory: string;
let warnings: string[];
let printed: string[];

beforeEach(() => {
  directory = mkdtempSync(join(tmpdir(), 'baton-tracing-'));
  warnings = [];
  printed = [];
});

afterEach(() => {
  rmSync(directory, { recursive: true, force: true });
});

/** An in-memory exporter that keeps its spans through shutdown (the stock one clears them). */
class KeepingExporter extends InMemorySpanExporter {
  override shutdown(): Promise<void> {
    return Promise.resolve();
  }
}

/** setupTracing with quiet sinks and no ambient environment. */
function quietTracing(options: SetupTracingOptions = {}) {
  return setupTracing({
    env: {},
    jsonl: false,
    logger: { warn: (message) => warnings.push(message) },
    consoleSummary: { stream: { write: (text: string) => printed.push(text) } },
    ...options,
  });
}

function run(listener: ((event: ReturnType<typeof retryFallbackFanOut>[number]) => void) | undefined): void {
  for (const event of retryFallbackFanOut()) listener?.(event);
}

async function readAll(path: string) {
  const records = [];
  for await (const record of readJsonlSpans(path)) records.push(record);
  return records;
}

describe('setupTracing', () => {
  describe('with Langfuse', () => {
    let server: FakeLangfuseServer;
    beforeEach(async () => {
      server = await startFakeLangfuseServer();
    });
    afterEach(async () => {
      await server.close();
    });

    it('posts every Baton span to the OTLP traces endpoint with Basic auth', async () => {
      const memory = new KeepingExporter();
      const tracing = quietTracing({ langfuse: { ...keys, baseUrl: server.baseUrl }, exporters: [memory] });
      expect(tracing.langfuse).toBe(true);
      run(tracing.listener);
      const report = await tracing.shutdown();

      const posts = server.requestsTo('/api/public/otel/v1/traces');
      expect(posts.length).toBeGreaterThan(0);
      for (const post of posts) {
        expect(post.method).toBe('POST');
        expect(post.headers.authorization).toBe(expectedAuthorization);
        expect(post.headers['x-langfuse-public-key']).toBe('pk-lf-test');
        expect(post.headers['x-langfuse-sdk-name']).toBe('javascript');
        // Langfuse asks direct OTLP exporters for the v4 ingestion path.
        expect(post.headers['x-langfuse-ingestion-version']).toBe('4');
        expect(post.headers['content-type']).toMatch(/application\/json/);
      }
      const received = server.spans();
      expect(received.map((span) => span.name).sort()).toEqual(
        memory
          .getFinishedSpans()
          .map((span) => span.name)
          .sort(),
      );
      expect(received).toHaveLength(16);
      expect(report.langfuse).toMatchObject({ sent: 16, dropped: 0, failedExports: 0, pending: 0 });
      expect(warnings).toEqual([]);
    });

    it('exports plain Baton spans that carry no gen_ai attribute, which Langfuse would drop by default', async () => {
      const tracing = quietTracing({ langfuse: { ...keys, baseUrl: server.baseUrl } });
      run(tracing.listener);
      // Spans from other instrumentation keep Langfuse's default filter.
      tracing.tracerProvider?.getTracer('unrelated-library').startSpan('unrelated').end();
      await tracing.shutdown();

      const delegation = server.spans().find((span) => span.name === 'delegate billing');
      expect(delegation).toBeDefined();
      expect(Object.keys(delegation!.attributes).some((key) => key.startsWith('gen_ai.'))).toBe(false);
      expect(delegation!.scope).toBe('@baton/tracing');
      expect(delegation!.attributes).toMatchObject({
        'langfuse.observation.type': 'agent',
        'baton.unit': 'delegation',
      });
      expect(server.spans().map((span) => span.name)).not.toContain('unrelated');
      const call = server.spans().find((span) => span.name === 'chat gpt-4.1-mini');
      expect(call?.parentSpanId).toBe(
        server.spans().find((span) => span.name === 'invoke_agent billing')?.spanId,
      );
    });

    it('reads the keys and base URL from the environment', async () => {
      const tracing = quietTracing({
        env: {
          LANGFUSE_PUBLIC_KEY: keys.publicKey,
          LANGFUSE_SECRET_KEY: keys.secretKey,
          LANGFUSE_BASE_URL: server.baseUrl,
        },
      });
      expect(tracing.langfuse).toBe(true);
      run(tracing.listener);
      await tracing.shutdown();

      expect(server.spans()).toHaveLength(16);
      expect(server.requests[0]?.headers.authorization).toBe(expectedAuthorization);
    });

    it('sends gzip’d OTLP that Langfuse’s schema accepts', async () => {
      const tracing = quietTracing({ langfuse: { ...keys, baseUrl: server.baseUrl } });
      run(tracing.listener);
      await tracing.shutdown();

      const [request] = server.requestsTo('/api/public/otel/v1/traces');
      expect(request?.headers['content-encoding']).toBe('gzip');
      expect(request!.wireBytes).toBeLessThan(request!.bodyBytes);
      expect(server.invalidRequests()).toEqual([]);
    });

    it('reads LANGFUSE_HOST, and prints neither the keys nor a password in the URL', async () => {
      const secret = 'pass-word-1234';
      const tracing = quietTracing({
        env: {
          LANGFUSE_PUBLIC_KEY: keys.publicKey,
          LANGFUSE_SECRET_KEY: keys.secretKey,
          LANGFUSE_HOST: server.baseUrl.replace('http://', `http://admin:${secret}@`),
        },
      });
      run(tracing.listener);
      await tracing.shutdown();

      expect(server.spans()).toHaveLength(16);
      expect(server.requests[0]?.headers.authorization).toBe(expectedAuthorization);
      const output = [...warnings, ...printed].join('\n');
      expect(output).toContain('LANGFUSE_HOST carries a user name and password (http://***@127.0.0.1:');
      expect(output).toContain(`Langfuse (${server.baseUrl}): 16 spans sent`);
      for (const hidden of [secret, keys.secretKey, keys.publicKey]) expect(output).not.toContain(hidden);
    });

    it('ends with a summary of spans, strategies, fallbacks, errors and destinations', async () => {
      const path = join(directory, 'trace.jsonl');
      const tracing = quietTracing({ langfuse: { ...keys, baseUrl: server.baseUrl }, jsonl: { path } });
      run(tracing.listener);
      await tracing.shutdown();

      expect(
        printed.join('').replace(server.baseUrl, 'http://langfuse').replace(path, 'trace.jsonl'),
      ).toMatchInlineSnapshot(`
          "Tracing: 16 spans (1 turn, 3 delegations, 5 attempts, 2 agent runs, 1 model call, 2 verifications, 2 fallbacks)
            strategies: lexical 1 turn (answered 1)
            fallback rungs: retry 1, alternative 1
            errors: 1 span (timeout 1)
            Langfuse (http://langfuse): 16 spans sent
            trace file: trace.jsonl (16 spans)
          "
        `);
    });
  });

  describe('when Langfuse is unreachable', () => {
    // These tests talk to a real socket, so they cannot run on fake timers; instead every deadline
    // that must not be reached is far beyond the test's own timeout, and every server that must
    // not answer in time answers only after it. What they assert is the outcome (which timeout
    // ended the export, what was dropped or still pending), never elapsed time.
    const never = 60_000;

    it('completes the run, warns once, keeps the trace file and shuts down by itself', async () => {
      const server = await startFakeLangfuseServer();
      const baseUrl = server.baseUrl;
      await server.close(); // nothing listens on this port any more
      const path = join(directory, 'down.jsonl');
      const tracing = quietTracing({
        langfuse: { ...keys, baseUrl, timeoutMs: 500, maxBatchSize: 5, flushIntervalMs: 10 },
        jsonl: { path },
        shutdownTimeoutMs: never,
      });

      // The listener is synchronous: the run goes on while the spans are exported in the background.
      for (let turn = 0; turn < 3; turn++) run(tracing.listener);
      // The first background export fails during the run; the turn after it finds Langfuse paused.
      await vi.waitFor(() => expect(warnings).toHaveLength(1), { timeout: 4_000 });
      run(tracing.listener);
      const report = await tracing.shutdown();

      expect(report.timedOut).toBe(false);
      expect(report.langfuse).toMatchObject({ sent: 0, dropped: 4 * 16, pending: 0 });
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toMatch(
        /^Could not export traces to Langfuse at http:\/\/127\.0\.0\.1:\d+ \(.*ECONNREFUSED.*\)/,
      );
      expect(warnings[0]).toContain(`traces stay in ${path}`);
      expect(await readAll(path)).toHaveLength(4 * 16);
    });

    it('does not wait for a slow Langfuse beyond its timeout', async () => {
      const server = await startFakeLangfuseServer({ delayMs: never });
      try {
        const path = join(directory, 'slow.jsonl');
        const tracing = quietTracing({
          langfuse: { ...keys, baseUrl: server.baseUrl, timeoutMs: 300 },
          jsonl: { path },
          shutdownTimeoutMs: never,
        });
        run(tracing.listener);
        const report = await tracing.shutdown();

        // Shut down by itself (not at its deadline) while the server had not answered: the export
        // request's own timeout ended it, and its spans count as dropped, not sent.
        expect(report.timedOut).toBe(false);
        expect(report.langfuse).toMatchObject({ sent: 0, dropped: 16, failedExports: 1, pending: 0 });
        expect(warnings).toHaveLength(1);
        // The OTLP request's timeout answers first; the exporter's own guard a second later would
        // only win after a second-long stall of the whole process. Either is the export's timeout.
        expect(warnings[0]).toMatch(
          /Could not export traces to Langfuse .*(timed out|no answer within 1300 ms)/i,
        );
        expect(await readAll(path)).toHaveLength(16);
      } finally {
        await server.close();
      }
    });

    it('gives up at the shutdown deadline when exports are still in flight', async () => {
      const server = await startFakeLangfuseServer({ delayMs: never });
      try {
        const tracing = quietTracing({
          langfuse: { ...keys, baseUrl: server.baseUrl, timeoutMs: never },
          shutdownTimeoutMs: 300,
        });
        run(tracing.listener);
        const report = await tracing.shutdown();

        // Neither the server nor the request's timeout can have ended the export: only the deadline.
        expect(report.timedOut).toBe(true);
        expect(report.langfuse).toMatchObject({ sent: 0, dropped: 0, failedExports: 0, pending: 16 });
        expect(warnings).toEqual([
          'Tracing did not finish exporting within 300 ms and gave up (16 spans still on their way to Langfuse).',
        ]);
      } finally {
        await server.close();
      }
    });
  });

  describe('without Langfuse', () => {
    it('writes every span to the JSONL trace file, one self-contained record a line', async () => {
      const path = join(directory, 'nested', 'trace.jsonl');
      const tracing = quietTracing({ jsonl: { path } });
      expect(tracing.langfuse).toBe(false);
      expect(tracing.jsonlPath).toBe(path);
      run(tracing.listener);
      await tracing.shutdown();

      const records = await readAll(path);
      expect(records).toHaveLength(16);
      const turn = records.find((record) => record.name === 'turn lexical')!;
      expect(turn).toMatchObject({
        parentSpanId: null,
        kind: 'internal',
        status: { code: 'unset' },
        scope: '@baton/tracing',
      });
      expect(turn.durationMs).toBeCloseTo(26, 3);
      const errored = records.find((record) => record.name === 'attempt 2 billing (retry)')!;
      expect(errored.status).toEqual({
        code: 'error',
        message: 'timeout: The attempt took longer than 5000 ms.',
      });
      const delegation = records.find((record) => record.name === 'delegate billing')!;
      expect(delegation.parentSpanId).toBe(turn.spanId);
      expect(delegation.events.map((event) => event.name)).toEqual(['baton.fallback', 'baton.fallback']);
      expect(readFileSync(path, 'utf8').trimEnd().split('\n')).toHaveLength(16);
    });

    it('warns once and stays off when only one Langfuse key is set', () => {
      const tracing = quietTracing({ env: { LANGFUSE_PUBLIC_KEY: 'pk-lf-test' } });
      expect(tracing.langfuse).toBe(false);
      expect(warnings).toEqual(['LANGFUSE_SECRET_KEY is not set, so Langfuse is off; traces stay local.']);
    });

    it('rejects malformed explicit Langfuse options', () => {
      expect(() =>
        quietTracing({ langfuse: { publicKey: 'pk', secretKey: '', baseUrl: 'not a url' } }),
      ).toThrow(/Invalid Langfuse options/);
    });

    it('ends spans left open by an interrupted run as unfinished', async () => {
      const memory = new KeepingExporter();
      const tracing = quietTracing({ exporters: [memory] });
      for (const event of retryFallbackFanOut().slice(0, 10)) tracing.listener?.(event);
      const report = await tracing.shutdown();

      expect(report.unfinishedSpans).toBe(8);
      expect(memory.getFinishedSpans().filter((span) => span.attributes['baton.unfinished'])).toHaveLength(8);
      expect(await tracing.shutdown()).toBe(report);
    });
  });

  describe('when off', () => {
    it('returns no listener, so the core builds no events', async () => {
      for (const tracing of [
        quietTracing({ tracing: 'off' }),
        quietTracing({ env: { BATON_TRACING: 'off' } }),
      ]) {
        expect(tracing.listener).toBeUndefined();
        expect(tracing.tracerProvider).toBeUndefined();
        await tracing.flush();
        expect((await tracing.shutdown()).summary.spans).toBe(0);
      }
      expect(printed).toEqual([]);
    });
  });
});
