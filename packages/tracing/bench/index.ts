/**
 * `npm run bench`: what tracing costs a run. The target comparison — the real offline team with
 * and without the listener (batch processor, no-op exporter) — answers 10,000 user turns per run
 * (BENCH_TURNS; about one delegation each); the other scenarios answer 2,000 (BENCH_OTHER_TURNS).
 * Every scenario waits for its spans to be exported, BENCH_ROUNDS times (default 3) after a short
 * warm-up round; overheads are paired per round against the untraced scenario of the same group.
 * Target: under 5 %. Results are printed; a missed target is reported loudly but does not fail
 * the command. Takes several minutes; BENCH_ONLY=primary runs just the target comparison.
 *
 * Groups: the real `@baton/core` offline team (retrieval agents, lexical selection, verification,
 * failure ladder) on the support suite; the same roster as LLM agents on a scripted zero-latency
 * model (core overhead only); and a hand-written simulation (kept as a reference that does not
 * move when the core changes). To add a scenario, push one to `scenarios`.
 */
import { fileURLToPath } from 'node:url';
import type { DelegationEvent, DelegationEventListener, Team } from '@baton/core';
import { ExportResultCode } from '@opentelemetry/core';
import { BasicTracerProvider, BatchSpanProcessor, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import { createLangfuseSpanProcessor } from '../src/langfuse-span-processor.js';
import { setupTracing } from '../src/setup-tracing.js';
import { createTracingListener } from '../src/tracing-listener.js';
import { loadWorkload, simulateDelegation, type Workload } from './simulated-delegation.js';
import { supportTeams } from './support-team.js';

const turns = Number(process.env.BENCH_TURNS ?? 10_000);
const otherTurns = Number(process.env.BENCH_OTHER_TURNS ?? 2_000);
const warmupTurns = 500;
const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
const warmupRounds = 1;
const target = 5;
const datasetRoot = fileURLToPath(new URL('../../../datasets/support', import.meta.url));

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

interface Tracer {
  listener: DelegationEventListener | undefined;
  finish(): Promise<void>;
  spans(): number;
}

const quiet = { warn: () => undefined };

const tracers: Record<string, () => Tracer> = {
  off: () => ({ listener: undefined, finish: () => Promise.resolve(), spans: () => 0 }),
  batch: () => {
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
  jsonl: () => {
    const tracing = setupTracing({
      env: {},
      jsonl: { path: '/dev/null' },
      consoleSummary: false,
      logger: quiet,
    });
    return { listener: tracing.listener, finish: () => tracing.flush(), spans: () => 0 };
  },
  langfuse: () => {
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
};

const tracerNames: Record<string, string> = {
  off: 'tracing off (no listener)',
  batch: 'listener + BatchSpanProcessor, no-op exporter',
  jsonl: 'setupTracing: JSONL (to /dev/null) + summary',
  langfuse: 'Langfuse processor, no-op transport',
};

interface Scenario {
  group: string;
  tracer: keyof typeof tracers;
  /** The comparison the target applies to. */
  primary?: boolean;
  /** Answers turn number `index`. */
  run(index: number, listener: DelegationEventListener | undefined): Promise<unknown>;
}

function teamRunner(team: Team, workload: Workload): Scenario['run'] {
  return (index, listener) => {
    const message = workload.messages[index % workload.messages.length]!;
    const previous = workload.messages[(index + 1) % workload.messages.length]!;
    return team.respond(
      { message, history: [{ role: 'user', content: previous }], conversationId: `c${index}`, turnIndex: 1 },
      listener ? { onEvent: listener } : {},
    );
  };
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

async function main(): Promise<void> {
  const workload = loadWorkload(datasetRoot);
  const teams = supportTeams(datasetRoot);
  const simulated: Scenario['run'] = (index, listener) => simulateDelegation(workload, index, listener);
  const scenarios: Scenario[] = [
    { group: 'offline team (retrieval)', tracer: 'off', run: teamRunner(teams.retrieval, workload) },
    {
      group: 'offline team (retrieval)',
      tracer: 'batch',
      primary: true,
      run: teamRunner(teams.retrieval, workload),
    },
    { group: 'offline team (retrieval)', tracer: 'jsonl', run: teamRunner(teams.retrieval, workload) },
    { group: 'offline team (retrieval)', tracer: 'langfuse', run: teamRunner(teams.retrieval, workload) },
    { group: 'LLM team, scripted 0 ms model', tracer: 'off', run: teamRunner(teams.scriptedLlm, workload) },
    { group: 'LLM team, scripted 0 ms model', tracer: 'batch', run: teamRunner(teams.scriptedLlm, workload) },
    { group: 'simulated delegation', tracer: 'off', run: simulated },
    { group: 'simulated delegation', tracer: 'batch', run: simulated },
  ];

  // BENCH_ONLY=primary measures just the target comparison (quicker, for re-checking the number).
  if (process.env.BENCH_ONLY === 'primary') {
    const group = scenarios.find((scenario) => scenario.primary)!.group;
    scenarios.splice(
      0,
      scenarios.length,
      ...scenarios.filter(
        (scenario) => scenario.group === group && (scenario.primary || scenario.tracer === 'off'),
      ),
    );
  }

  // Count delegations per turn once, so the table can say what a "turn" held.
  const shape = new Map<string, { delegations: number; events: number }>();
  for (const scenario of scenarios.filter((candidate) => candidate.tracer === 'off')) {
    const counted = { delegations: 0, events: 0 };
    const count = (event: DelegationEvent) => {
      counted.events += 1;
      if (event.type === 'delegation-start') counted.delegations += 1;
    };
    for (let index = 0; index < 500; index++) await scenario.run(index, count);
    shape.set(scenario.group, { delegations: counted.delegations / 500, events: counted.events / 500 });
  }

  const primaryGroup = scenarios.find((scenario) => scenario.primary)!.group;
  const states = scenarios.map((scenario) => ({
    scenario,
    ...tracers[scenario.tracer]!(),
    turns:
      scenario.group === primaryGroup
        ? scenario.tracer === 'off' || scenario.primary
          ? turns
          : otherTurns
        : otherTurns,
    /** µs per turn, wall and CPU, one entry per round. */
    times: [] as number[],
    cpuTimes: [] as number[],
    spansPerTurn: 0,
  }));
  // Scenarios take turns within each round (in rotating order) rather than running back to back,
  // so that load from other processes on a shared machine hits them alike.
  for (let round = -warmupRounds; round < rounds; round++) {
    const offset = (round + warmupRounds) % states.length;
    for (let step = 0; step < states.length; step++) {
      const state = states[(offset + step) % states.length]!;
      const count = round < 0 ? warmupTurns : state.turns;
      const before = state.spans();
      const started = performance.now();
      const cpu = process.cpuUsage();
      for (let index = 0; index < count; index++) await state.scenario.run(index, state.listener);
      await state.finish();
      const elapsed = performance.now() - started;
      const cpuUsed = process.cpuUsage(cpu);
      if (round >= 0) {
        state.times.push((elapsed * 1000) / count);
        state.cpuTimes.push((cpuUsed.user + cpuUsed.system) / count);
        state.spansPerTurn = (state.spans() - before) / count;
      }
    }
    if (round >= 0) process.stderr.write(`round ${round + 1}/${rounds} done\n`);
  }

  const paired = (values: number[], baseline: number[]) =>
    median(values.map((value, index) => (value - baseline[index]!) / baseline[index]!)) * 100;
  const baseOf = (state: (typeof states)[number]) =>
    states.find(
      (candidate) => candidate.scenario.group === state.scenario.group && candidate.scenario.tracer === 'off',
    )!;
  const rows = states.map((state) => {
    const base = baseOf(state);
    const perTurn = median(state.times);
    const isBase = state === base;
    const groupShape = shape.get(state.scenario.group);
    return {
      group: state.scenario.group,
      tracing: tracerNames[state.scenario.tracer],
      turns: state.turns,
      'µs / turn': perTurn.toFixed(1),
      'tracing µs / turn': isBase ? '—' : (perTurn - median(base.times)).toFixed(1),
      'overhead (wall)': isBase ? '—' : `${paired(state.times, base.times).toFixed(1)} %`,
      'overhead (CPU)': isBase ? '—' : `${paired(state.cpuTimes, base.cpuTimes).toFixed(1)} %`,
      'delegations / turn': groupShape ? groupShape.delegations.toFixed(2) : '—',
      'spans / turn': state.spansPerTurn > 0 ? state.spansPerTurn.toFixed(2) : '—',
    };
  });
  process.stdout.write(
    `\nTracing overhead per user turn, median of ${rounds} rounds (Node ${process.version})\n`,
  );
  console.table(rows);

  const primary = states.find((state) => state.scenario.primary)!;
  const base = baseOf(primary);
  const overhead = paired(primary.times, base.times);
  const label = `${primary.scenario.group}, ${tracerNames[primary.scenario.tracer]}`;
  process.stdout.write(
    overhead < target
      ? `\nOK: "${label}" costs ${overhead.toFixed(1)} % (target < ${target} %).\n`
      : `\n!!! TARGET MISSED !!! "${label}" costs ${overhead.toFixed(1)} % (target < ${target} %).\n`,
  );
  process.stdout.write(
    'The absolute cost per turn is what carries over to model-backed runs: next to a real model call (hundreds of ms) it is far below 0.1 %.\n',
  );
}

await main();
