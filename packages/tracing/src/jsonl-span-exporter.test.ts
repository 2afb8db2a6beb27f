import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ExportResultCode } from '@opentelemetry/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { JsonlSpanExporter } from './jsonl-span-exporter.js';
import { readJsonlSpans } from './jsonl-span-record.js';
import { createTestTracing } from './testing/create-test-tracing.js';
import { delegationEvents as e } from './testing/delegation-events.js';
import { TracingError } from './tracing-error.js';

let directory: string;
beforeEach(() => {
  directory = mkdtempSync(join(tmpdir(), 'baton-jsonl-'));
});
afterEach(() => {
  rmSync(directory, { recursive: true, force: true });
});

function finishedSpans() {
  const tracing = createTestTracing();
  tracing.listener(e.turnStart({ id: 'turn', time: 1_700_000_000_000 }));
  tracing.listener(e.turnEnd({ id: 'turn', time: 1_700_000_000_010 }));
  return tracing.exporter.getFinishedSpans();
}

function exportOnce(exporter: JsonlSpanExporter) {
  return new Promise<ExportResultCode>((resolve) =>
    exporter.export(finishedSpans(), (result) => resolve(result.code)),
  );
}

describe('JsonlSpanExporter', () => {
  it('appends one record per span, across runs sharing a file', async () => {
    const path = join(directory, 'a', 'b', 'trace.jsonl');
    for (let run = 0; run < 2; run++) {
      const exporter = new JsonlSpanExporter({ path });
      expect(await exportOnce(exporter)).toBe(ExportResultCode.SUCCESS);
      await exporter.shutdown();
    }
    const records = [];
    for await (const record of readJsonlSpans(path)) records.push(record);
    expect(records.map((record) => [record.name, record.start, record.durationMs])).toEqual([
      ['turn test', '2023-11-14T22:13:20.000Z', 10],
      ['turn test', '2023-11-14T22:13:20.000Z', 10],
    ]);
  });

  it('fails the export and warns once when the file cannot be written', async () => {
    const blocker = join(directory, 'file');
    writeFileSync(blocker, '');
    const warnings: string[] = [];
    const exporter = new JsonlSpanExporter({
      path: join(blocker, 'trace.jsonl'),
      logger: { warn: (m) => warnings.push(m) },
    });

    expect(await exportOnce(exporter)).toBe(ExportResultCode.FAILED);
    expect(await exportOnce(exporter)).toBe(ExportResultCode.FAILED);
    await exporter.shutdown();
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^Could not write the trace file .*trace\.jsonl: /);
  });

  it.runIf(process.platform === 'linux')(
    'fails the export under /proc instead of spinning in a recursive mkdir',
    async () => {
      // Node's mkdirSync({ recursive: true }) retries /proc/…/x without end, blocking the process.
      const warnings: string[] = [];
      const exporter = new JsonlSpanExporter({
        path: '/proc/baton-trace/nested/trace.jsonl',
        logger: { warn: (m) => warnings.push(m) },
      });
      expect(await exportOnce(exporter)).toBe(ExportResultCode.FAILED);
      await exporter.shutdown();
      expect(warnings[0]).toMatch(/^Could not write the trace file .*ENOENT/);
    },
  );
});

describe('readJsonlSpans', () => {
  it('names the first line that is not a span record', async () => {
    const path = join(directory, 'bad.jsonl');
    writeFileSync(path, '{"name":"x"}\n');
    const read = async () => {
      for await (const _ of readJsonlSpans(path)) {
        // drain
      }
    };
    await expect(read()).rejects.toSatisfy(
      (error) =>
        TracingError.isInstance(error) &&
        error.code === 'invalid-trace-file' &&
        error.message.includes(':1 '),
    );
  });
});
