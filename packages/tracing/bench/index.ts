/**
 * `npm run bench`: what tracing costs a run. Each scenario runs 10,000 delegations (override with
 * BENCH_DELEGATIONS) and waits for their spans to be exported, BENCH_ROUNDS times (default 5) after
 * a warm-up round; the overhead is the difference to the same delegations with no listener.
 * Target: under 5 % with the listener and a batch exporter. Results are printed; a missed target
 * is reported loudly but does not fail the command.
 *
 * To add a scenario (e.g. the real engine once `@baton/core` exports a team and a scripted
 * model), push a `Scenario` below: `setup()` returns the listener to pass and a `finish()` that
 * waits for exports; `work` runs one delegation.
 */
import { fileURLToPath } from 'node:url';
import type { DelegationEventListener } from '@baton/core';
import { ExportResultCode } from '@opentelemetry/core';
import { BasicTracerProvider, BatchSpanProcessor, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import { createLangfuseSpanProcessor } from '../src/langfuse-span-processor.js';
import { setupTracing } from '../src/setup-tracing.js';
import { createTracingListener } from '../src/tracing-listener.js';
import { loadWorkload, simulateDelegation, type Workload } from './simulated-delegation.js';

const delegations = Number(process.env.BENCH_DELEGATIONS ?? 10_000);
const target = 5;
const rounds = Number(process.env.BENCH_ROUNDS ?? 5);
const warmupRounds = 1;

/** Counts spans and drops them. */
class CountingExporter implements SpanExporter {
  spans = 0;
  export(spans: Parameters<SpanExporter['export']>[0], done: Parameters<SpanExporter['export']>[1]): void {
    this.spans += spans.length;
    done({ code: ExportResultCode.SUCCESS });
  }
  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}

interface Scenario {
  name: string;
  /** Whether this is the comparison the target applies to. */
  primary?: boolean;
  setup(): { listener: DelegationEventListener | undefined; finish(): Promise<void>; spans(): number };
}

const quiet = { warn: () => undefined };

const scenarios: Scenario[] = [
  {
    name: 'tracing off (no listener)',
    setup: () => ({ listener: undefined, finish: () => Promise.resolve(), spans: () => 0 }),
  },
  {
    name: 'listener + BatchSpanProcessor, no-op exporter',
    primary: true,
    setup() {
      const exporter = new CountingExporter();
      // A queue large enough that no span is dropped: dropping would make tracing look cheaper than it is.
      const provider = new BasicTracerProvider({
        spanProcessors: [
          new BatchSpanProcessor(exporter, { maxQueueSize: 200_000, maxExportBatchSize: 1_000 }),
        ],
      });
      return {
        listener: createTracingListener({ tracerProvider: provider }),
        finish: () => provider.forceFlush(),
        spans: () => exporter.spans,
      };
    },
  },
  {
    name: 'same, captureContent: false',
    setup() {
      const exporter = new CountingExporter();
      const provider = new BasicTracerProvider({
        spanProcessors: [
          new BatchSpanProcessor(exporter, { maxQueueSize: 200_000, maxExportBatchSize: 1_000 }),
        ],
      });
      return {
        listener: createTracingListener({ tracerProvider: provider, captureContent: false }),
        finish: () => provider.forceFlush(),
        spans: () => exporter.spans,
      };
    },
  },
  {
    name: 'setupTracing: JSONL (to /dev/null) + summary',
    setup() {
      const tracing = setupTracing({
        env: {},
        jsonl: { path: '/dev/null' },
        consoleSummary: false,
        logger: quiet,
      });
      return { listener: tracing.listener, finish: () => tracing.flush(), spans: () => 0 };
    },
  },
  {
    name: 'Langfuse processor, no-op transport',
    setup() {
      const exporter = new CountingExporter();
      const { processor } = createLangfuseSpanProcessor({
        publicKey: 'pk',
        secretKey: 'sk',
        baseUrl: 'http://127.0.0.1:9',
        timeoutMs: 5_000,
        exporter,
        maxQueueSize: 200_000,
        logger: quiet,
      });
      const provider = new BasicTracerProvider({ spanProcessors: [processor] });
      return {
        listener: createTracingListener({ tracerProvider: provider }),
        finish: () => provider.forceFlush(),
        spans: () => exporter.spans,
      };
    },
  },
];

async function runDelegations(
  workload: Workload,
  listener: DelegationEventListener | undefined,
): Promise<void> {
  for (let index = 0; index < delegations; index++) await simulateDelegation(workload, index, listener);
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

async function main(): Promise<void> {
  const workload = loadWorkload(fileURLToPath(new URL('../../../datasets/support', import.meta.url)));
  const states = scenarios.map((scenario) => ({
    scenario,
    ...scenario.setup(),
    times: [] as number[],
    cpuTimes: [] as number[],
    spanCount: 0,
  }));
  // Scenarios take turns within each round (in rotating order) rather than running back to back,
  // so that load from other processes on a shared machine hits them alike; overheads are paired
  // per round against the untraced run of the same round.
  for (let round = -warmupRounds; round < rounds; round++) {
    const offset = (round + warmupRounds) % states.length;
    for (let step = 0; step < states.length; step++) {
      const state = states[(offset + step) % states.length]!;
      const before = state.spans();
      const started = performance.now();
      const cpu = process.cpuUsage();
      await runDelegations(workload, state.listener);
      await state.finish();
      const elapsed = performance.now() - started;
      const cpuUsed = process.cpuUsage(cpu);
      if (round >= 0) {
        state.times.push(elapsed);
        state.cpuTimes.push((cpuUsed.user + cpuUsed.system) / 1000);
        state.spanCount = state.spans() - before;
      }
    }
    if (round >= 0) process.stderr.write(`round ${round + 1}/${rounds} done\n`);
  }

  const base = states[0]!;
  const paired = (values: number[], baseline: number[]) =>
    median(values.map((value, index) => (value - baseline[index]!) / baseline[index]!)) * 100;
  const rows = states.map((state) => {
    const ms = median(state.times);
    const isBase = state === base;
    return {
      scenario: state.scenario.name,
      'ms / run': ms.toFixed(0),
      'µs / delegation': ((ms * 1000) / delegations).toFixed(1),
      'tracing µs / delegation': isBase ? '—' : (((ms - median(base.times)) * 1000) / delegations).toFixed(1),
      'overhead (wall)': isBase ? '—' : `${paired(state.times, base.times).toFixed(1)} %`,
      'overhead (CPU)': isBase ? '—' : `${paired(state.cpuTimes, base.cpuTimes).toFixed(1)} %`,
      'spans / delegation': state.spanCount > 0 ? (state.spanCount / delegations).toFixed(2) : '—',
    };
  });
  process.stdout.write(
    `\nTracing overhead: ${delegations.toLocaleString('en-US')} delegations per run, median of ${rounds} rounds (Node ${process.version})\n`,
  );
  console.table(rows);

  const primary = states.find((state) => state.scenario.primary)!;
  const overhead =
    median(primary.times.map((time, index) => (time - base.times[index]!) / base.times[index]!)) * 100;
  process.stdout.write(
    overhead < target
      ? `\nOK: "${primary.scenario.name}" costs ${overhead.toFixed(1)} % (target < ${target} %).\n`
      : `\n!!! TARGET MISSED !!! "${primary.scenario.name}" costs ${overhead.toFixed(1)} % (target < ${target} %).\n`,
  );
  process.stdout.write(
    'Baseline: a simulated offline delegation (lexical routing, PII redaction, BM25 retrieval over the support knowledge base, one scripted model call, a groundedness check; a retry every tenth). The absolute cost per delegation is what carries over: next to a real model call (hundreds of ms) it is far below 0.1 %.\n',
  );
}

await main();
