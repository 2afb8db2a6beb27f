import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { LangfuseDatasetError } from './langfuse-dataset-error.js';
import { createLangfuseEvalReporter, langfuseDatasetItemId } from './langfuse-eval-reporter.js';
import { type LangfuseDatasetItem, readLangfuseDataset } from './read-langfuse-dataset.js';
import { type FakeLangfuseServer, startFakeLangfuseServer } from './testing/fake-langfuse-server.js';
import { TracingError } from './tracing-error.js';

const keys = { publicKey: 'pk-lf-test', secretKey: 'sk-lf-test' };

function envFor(baseUrl: string): Record<string, string> {
  return {
    LANGFUSE_PUBLIC_KEY: keys.publicKey,
    LANGFUSE_SECRET_KEY: keys.secretKey,
    LANGFUSE_BASE_URL: baseUrl,
  };
}

async function collect(items: AsyncIterable<LangfuseDatasetItem>): Promise<LangfuseDatasetItem[]> {
  const all: LangfuseDatasetItem[] = [];
  for await (const item of items) all.push(item);
  return all;
}

async function readError(items: AsyncIterable<LangfuseDatasetItem>): Promise<unknown> {
  try {
    await collect(items);
  } catch (error) {
    return error;
  }
  throw new Error('expected the read to fail');
}

function questions(count: number, prefix = 'q'): { id: string; input: string; expectedOutput: string }[] {
  return Array.from({ length: count }, (_, index) => ({
    id: `${prefix}${index + 1}`,
    input: `question ${index + 1}`,
    expectedOutput: `answer ${index + 1}`,
  }));
}

describe('readLangfuseDataset', () => {
  let server: FakeLangfuseServer;
  beforeEach(async () => {
    server = await startFakeLangfuseServer({ keys });
  });
  afterEach(async () => {
    await server.close();
  });

  it('reads every item across several pages, in the order Langfuse lists them', async () => {
    server.seedDataset('support-v1', questions(5));

    const items = await collect(
      readLangfuseDataset({ name: 'support-v1', env: envFor(server.baseUrl), pageSize: 2 }),
    );

    expect(items.map((item) => item.id)).toEqual(['q5', 'q4', 'q3', 'q2', 'q1']);
    expect(items[0]).toEqual({
      id: 'q5',
      input: 'question 5',
      expectedOutput: 'answer 5',
      metadata: null,
      status: 'ACTIVE',
    });
    expect(server.requestsTo('/api/public/v2/datasets/support-v1')).toHaveLength(1);
    expect(server.requestsTo('/api/public/dataset-items').map((request) => request.query)).toEqual([
      { datasetName: 'support-v1', page: '1', limit: '2' },
      { datasetName: 'support-v1', page: '2', limit: '2' },
      { datasetName: 'support-v1', page: '3', limit: '2' },
    ]);
  });

  it('reads back what the eval reporter pushed', async () => {
    const reporter = createLangfuseEvalReporter({
      env: envFor(server.baseUrl),
      logger: { warn: () => undefined },
    });
    await reporter?.upsertDataset({ name: 'baton/support' });
    await reporter?.upsertItems('baton/support', [
      { id: 'c1#0', input: { message: 'hi' }, expectedOutput: { reference: 'hello' } },
    ]);

    const items = await collect(readLangfuseDataset({ name: 'baton/support', env: envFor(server.baseUrl) }));

    expect(items).toEqual([
      {
        id: langfuseDatasetItemId('baton/support', 'c1#0'),
        input: { message: 'hi' },
        expectedOutput: { reference: 'hello' },
        metadata: { batonItemId: 'c1#0' },
        status: 'ACTIVE',
      },
    ]);
  });

  it('skips archived items', async () => {
    server.seedDataset('support-v1', [
      ...questions(3),
      { id: 'old', input: 'retired question', expectedOutput: 'x', status: 'ARCHIVED' },
    ]);

    const items = await collect(
      readLangfuseDataset({ name: 'support-v1', env: envFor(server.baseUrl), pageSize: 2 }),
    );

    expect(items.map((item) => item.id)).toEqual(['q3', 'q2', 'q1']);
  });

  it('fetches a page only when the consumer has taken the previous one', async () => {
    server.seedDataset('support-v1', questions(4));
    const reader = readLangfuseDataset({ name: 'support-v1', env: envFor(server.baseUrl), pageSize: 2 });

    await reader.next();
    expect(server.requestsTo('/api/public/dataset-items')).toHaveLength(1);
    await reader.return();
  });

  it('yields an item once when the dataset grows while it is read', async () => {
    server.seedDataset('support-v1', questions(4));
    const reader = readLangfuseDataset({ name: 'support-v1', env: envFor(server.baseUrl), pageSize: 2 });
    const ids: string[] = [];
    for await (const item of reader) {
      ids.push(item.id);
      // Newest first: the new item pushes q3 from page 1 onto page 2, where it is served again.
      if (ids.length === 2) server.seedDataset('support-v1', [{ id: 'new', input: 'late question' }]);
    }

    expect(ids).toEqual(['q4', 'q3', 'q2', 'q1']);
  });

  it('finds a dataset whose name has slashes, as the harness names them', async () => {
    server.seedDataset('baton/support/test', questions(1));

    const items = await collect(
      readLangfuseDataset({ name: 'baton/support/test', env: envFor(server.baseUrl) }),
    );

    expect(items.map((item) => item.id)).toEqual(['q1']);
    expect(server.requestsTo('/api/public/v2/datasets/baton%2Fsupport%2Ftest')).toHaveLength(1);
  });

  it('reads an empty dataset as no items', async () => {
    server.seedDataset('empty', []);

    expect(await collect(readLangfuseDataset({ name: 'empty', env: envFor(server.baseUrl) }))).toEqual([]);
  });

  it('takes explicit options instead of the environment', async () => {
    server.seedDataset('support-v1', questions(1));

    const items = await collect(
      readLangfuseDataset({ name: 'support-v1', env: {}, langfuse: { ...keys, baseUrl: server.baseUrl } }),
    );

    expect(items).toHaveLength(1);
  });

  it('says which variables to set when Langfuse is not configured', async () => {
    const error = await readError(readLangfuseDataset({ name: 'support-v1', env: {} }));

    expect(LangfuseDatasetError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ reason: 'not-configured', datasetName: 'support-v1' });
    expect((error as Error).message).toMatchInlineSnapshot(
      `"Cannot read Langfuse dataset "support-v1": LANGFUSE_PUBLIC_KEY and LANGFUSE_SECRET_KEY are not set. Set LANGFUSE_PUBLIC_KEY and LANGFUSE_SECRET_KEY (and LANGFUSE_BASE_URL unless it is the EU cloud)."`,
    );
    expect(server.requests).toHaveLength(0);
  });

  it('names the one missing key of a half-set configuration', async () => {
    const error = await readError(
      readLangfuseDataset({ name: 'support-v1', env: { LANGFUSE_PUBLIC_KEY: 'pk' } }),
    );

    expect((error as Error).message).toContain('LANGFUSE_SECRET_KEY is not set');
  });

  it('passes on why malformed variables are not usable', async () => {
    const error = await readError(
      readLangfuseDataset({
        name: 'support-v1',
        env: { LANGFUSE_PUBLIC_KEY: 'pk', LANGFUSE_SECRET_KEY: 'sk', LANGFUSE_BASE_URL: 'not a url' },
      }),
    );

    expect(error).toMatchObject({ reason: 'not-configured' });
    expect((error as Error).message).toContain('baseUrl must be an http(s) URL');
  });

  it('reports a dataset that does not exist as not found', async () => {
    const error = await readError(readLangfuseDataset({ name: 'nope', env: envFor(server.baseUrl) }));

    expect(error).toMatchObject({ reason: 'not-found', status: 404, datasetName: 'nope' });
    expect((error as Error).message).toBe(
      `Langfuse dataset "nope" does not exist at ${server.baseUrl} (HTTP 404).`,
    );
  });

  it('reports keys that Langfuse refuses as unauthorized', async () => {
    server.seedDataset('support-v1', questions(1));
    const error = await readError(
      readLangfuseDataset({
        name: 'support-v1',
        env: { ...envFor(server.baseUrl), LANGFUSE_SECRET_KEY: 'sk-wrong' },
      }),
    );

    expect(error).toMatchObject({ reason: 'unauthorized', status: 401 });
    expect((error as Error).message).toContain('refused the keys (HTTP 401)');
    expect(TracingError.isInstance(error) && error.isUserError).toBe(true);
  });

  it('reports a Langfuse that nobody answers for as unreachable', async () => {
    const closed = await startFakeLangfuseServer();
    await closed.close();

    const error = await readError(readLangfuseDataset({ name: 'support-v1', env: envFor(closed.baseUrl) }));

    expect(error).toMatchObject({ reason: 'unreachable', status: undefined });
    expect((error as Error).message).toMatch(
      /^Langfuse at http:\/\/127\.0\.0\.1:\d+ is unreachable \(.+\); check LANGFUSE_BASE_URL\.$/,
    );
  });

  it('reports a Langfuse that does not answer in time as unreachable', async () => {
    // Answers only after the test is over: the client's timeout is the only way the read can end.
    const slow = await startFakeLangfuseServer({ delayMs: 60_000 });
    try {
      const error = await readError(
        readLangfuseDataset({
          name: 'support-v1',
          env: {},
          langfuse: { ...keys, baseUrl: slow.baseUrl, timeoutMs: 100 },
          maxRetries: 0,
        }),
      );

      expect(error).toMatchObject({ reason: 'unreachable' });
      expect((error as Error).message).toContain('(no answer within 100 ms)');
    } finally {
      await slow.close();
    }
  });

  // The client's backoff before its retry (about a second, not configurable) is real time: the test
  // counts requests and never measures the wait, and its timeout leaves room for a loaded machine.
  it('reports a Langfuse that keeps failing as unreachable once the retries are spent', async () => {
    const failing = await startFakeLangfuseServer({ status: 503 });
    try {
      const error = await readError(
        readLangfuseDataset({ name: 'support-v1', env: envFor(failing.baseUrl), maxRetries: 1 }),
      );

      expect(error).toMatchObject({ reason: 'unreachable', status: 503 });
      expect(failing.requests).toHaveLength(2);
    } finally {
      await failing.close();
    }
  }, 10_000);

  it('rejects an answer that is not a page of dataset items', async () => {
    const impostor = createServer((request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(
        JSON.stringify(
          request.url?.startsWith('/api/public/v2/datasets/')
            ? { id: 'd1', name: 'support-v1' }
            : { data: [{ input: 'no id, no status' }], meta: { totalPages: 1 } },
        ),
      );
    });
    await new Promise<void>((resolve) => impostor.listen(0, '127.0.0.1', resolve));
    const baseUrl = `http://127.0.0.1:${(impostor.address() as AddressInfo).port}`;
    try {
      const error = await readError(readLangfuseDataset({ name: 'support-v1', env: envFor(baseUrl) }));

      expect(error).toMatchObject({ reason: 'invalid-response' });
      expect((error as Error).message).toContain('page 1 of its items');
      expect((error as Error).message).toContain('data[0].id');
    } finally {
      impostor.closeAllConnections();
      await new Promise((resolve) => impostor.close(resolve));
    }
  });

  it('stops with the signal’s reason when aborted mid-request', async () => {
    const slow = await startFakeLangfuseServer({ delayMs: 60_000 });
    const controller = new AbortController();
    const reason = new Error('stop reading');
    try {
      const reading = readError(
        readLangfuseDataset({ name: 'support-v1', env: envFor(slow.baseUrl), signal: controller.signal }),
      );
      // Abort once the server holds the request (and will not answer it during the test).
      await vi.waitFor(() => expect(slow.requests).toHaveLength(1), { timeout: 4_000 });
      controller.abort(reason);

      expect(await reading).toBe(reason);
    } finally {
      await slow.close();
    }
  });

  it('refuses a page size that is not a positive whole number', async () => {
    const error = await readError(
      readLangfuseDataset({ name: 'support-v1', env: envFor(server.baseUrl), pageSize: 0 }),
    );

    expect(TracingError.isInstance(error) && error.code).toBe('invalid-options');
    expect(LangfuseDatasetError.isInstance(error)).toBe(false);
  });
});
