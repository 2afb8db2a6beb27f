/**
 * `npm run bench`: what tracing costs a run — the issue's question, "overhead of tracing on vs off
 * for 10,000 delegations", answered on the real `@baton/core` offline team.
 *
 * Each group answers the same user turns with tracing off and with each tracing setup, yielding
 * to the event loop after each turn as the eval harness does (it writes every item to a file).
 * The turns run in blocks of BENCH_BLOCK (default 50): every round runs one block of every
 * scenario of the group, in rotating order, so that a busy neighbour on a shared machine slows
 * the traced and the untraced runs alike; each scenario waits for its spans to be exported inside
 * its own block. The overhead is the median over rounds of (traced − untraced) / untraced, paired
 * within the round; the table also gives the total-time ratio over all rounds, CPU time, and the
 * spread (interquartile range) of the per-round overheads. A second untraced scenario (the A/A
 * control) shows what the same statistics report when nothing differs: the noise floor.
 *
 * Target: tracing with a discarding exporter costs under 5 % on the offline team (the primary
 * scenario). The default setup — the same plus the JSONL trace file and the console summary — is
 * reported next to it, with how far it is from the target. A missed target is reported loudly but
 * does not fail the command.
 *
 * BENCH_ONLY=langfuse runs only the Langfuse export benchmark (`langfuse-export.ts`): time and bytes
 * of sending the default suite's run to Langfuse.
 *
 * BENCH_ONLY=primary runs just the offline team: untraced, the control, the primary setup and the
 * default setup. BENCH_TURNS (default 10,000) sizes the offline team's groups, BENCH_OTHER_TURNS
 * (default 2,000) the others, BENCH_BLOCK the rounds; BENCH_RAW=<file> writes every block's times.
 */
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DelegationEvent, DelegationEventListener, Team } from '@baton/core';
import { ExportResultCode } from '@opentelemetry/core';
import { BasicTracerProvider, BatchSpanProcessor, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import { createLangfuseSpanProcessor } from '../src/langfuse-span-processor.js';
import { setupTracing } from '../src/setup-tracing.js';
import { createTracingListener, type TracingListenerOptions } from '../src/tracing-listener.js';
import { loadWorkload, simulateDelegation, type Workload } from './simulated-delegation.js';
import { supportTeams } from './support-team.js';

if (process.env.BENCH_ONLY === 'langfuse') {
  // The cost of sending the default suite's run to Langfuse: see langfuse-export.ts.
  await import('./langfuse-export.js');
  process.exit(0);
}

const turns = Number(process.env.BENCH_TURNS ?? 10_000);
const otherTurns = Number(process.env.BENCH_OTHER_TURNS ?? 2_000);
const block = Math.max(1, Number(process.env.BENCH_BLOCK ?? 50));
const warmupTurns = 300;
const target = 5;
const datasetRoot = fileURLToPath(new URL('../../../datasets/support', import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), 'baton-tracing-bench-'));

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
  /** Builds and exports every span so far. */
  finish(): Promise<void>;
  /** Spans exported so far, when known. */
  spans(): number | undefined;
  /** Frees what the tracer holds (files); returns a note for the table, if any. */
  close(): Promise<string | undefined>;
}

const quiet = { warn: () => undefined };

/** The listener and a batch processor into a discarding exporter, on a provider of its own. */
function discarding(spanBuilding: TracingListenerOptions['spanBuilding']): Tracer {
  const exporter = new CountingExporter();
  // A queue large enough that no span is dropped: dropping would make tracing look cheaper than it is.
  const provider = new BasicTracerProvider({
    spanProcessors: [new BatchSpanProcessor(exporter, { maxQueueSize: 200_000, maxExportBatchSize: 1_000 })],
  });
  const listener = createTracingListener({ tracerProvider: provider, spanBuilding });
  return {
    listener,
    finish: () => {
      listener.flush();
      return provider.forceFlush();
    },
    spans: () => exporter.spans,
    close: () => provider.shutdown().then(() => undefined),
  };
}

const tracers = {
  off: (): Tracer => ({
    listener: undefined,
    finish: () => Promise.resolve(),
    spans: () => undefined,
    close: () => Promise.resolve(undefined),
  }),
  control: (): Tracer => tracers.off(),
  events: (): Tracer => ({
    listener: () => undefined,
    finish: () => Promise.resolve(),
    spans: () => undefined,
    close: () => Promise.resolve(undefined),
  }),
  batched: () => discarding('batched'),
  immediate: () => discarding('immediate'),
  jsonl: (): Tracer => {
    const path = join(scratch, `trace-${Math.random().toString(36).slice(2)}.jsonl`);
    const tracing = setupTracing({ env: {}, jsonl: { path }, consoleSummary: false, logger: quiet });
    let spans: number | undefined;
    return {
      listener: tracing.listener,
      finish: () => tracing.flush(),
      spans: () => spans,
      close: async () => {
        const report = await tracing.shutdown();
        spans = report.summary.spans;
        return `${(statSync(path).size / 1e6).toFixed(0)} MB written`;
      },
    };
  },
  langfuse: (): Tracer => {
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
    const listener = createTracingListener({ tracerProvider: provider, spanBuilding: 'batched' });
    return {
      listener,
      finish: () => {
        listener.flush();
        return provider.forceFlush();
      },
      spans: () => exporter.spans,
      close: () => provider.shutdown().then(() => undefined),
    };
  },
} satisfies Record<string, () => Tracer>;

type TracerName = keyof typeof tracers;

const tracerNames: Record<TracerName, string> = {
  off: 'tracing off (no listener)',
  control: 'control: tracing off again (A/A, the noise floor)',
  events: 'core events only (a listener that ignores them)',
  batched: 'listener (batched, as setupTracing) + batch processor, discarding exporter',
  immediate: 'listener (immediate, the createTracingListener default) + batch processor, discarding',
  jsonl: 'default setup: setupTracing with the JSONL trace file + summary',
  langfuse: 'Langfuse span processor (batched listener), no-op transport',
};

/** The scenario the target applies to, and the default setup reported next to it. */
const primaryTracer: TracerName = 'batched';
const defaultSetupTracer: TracerName = 'jsonl';

interface Group {
  name: string;
  turns: number;
  tracers: TracerName[];
  /** Answers turn number `index`. */
  run(index: number, listener: DelegationEventListener | undefined): Promise<unknown>;
}

const nextTurnOfTheEventLoop = () => new Promise((resolve) => setImmediate(resolve));

function teamRunner(team: Team, workload: Workload): Group['run'] {
  return async (index, listener) => {
    const message = workload.messages[index % workload.messages.length]!;
    const previous = workload.messages[(index + 1) % workload.messages.length]!;
    await team.respond(
      { message, history: [{ role: 'user', content: previous }], conversationId: `c${index}`, turnIndex: 1 },
      listener ? { onEvent: listener } : {},
    );
    await nextTurnOfTheEventLoop();
  };
}

function quantile(values: readonly number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const position = (sorted.length - 1) * q;
  const below = Math.floor(position);
  const above = Math.min(sorted.length - 1, below + 1);
  return sorted[below]! + (sorted[above]! - sorted[below]!) * (position - below);
}

const median = (values: readonly number[]) => quantile(values, 0.5);
const sum = (values: readonly number[]) => values.reduce((total, value) => total + value, 0);
const percent = (value: number) => `${value >= 0 ? '+' : ''}${(value * 100).toFixed(1)} %`;

interface Measured {
  group: Group;
  tracer: TracerName;
  /** Wall and CPU µs of each round's block. */
  wall: number[];
  cpu: number[];
  turns: number;
  spans: number | undefined;
  note: string | undefined;
}

/** Counts delegations and events per turn, so the table can say what a "turn" held. */
async function shapeOf(group: Group): Promise<{ delegations: number; events: number }> {
  const counted = { delegations: 0, events: 0 };
  const count = (event: DelegationEvent) => {
    counted.events += 1;
    if (event.type === 'delegation-start') counted.delegations += 1;
  };
  const sample = 500;
  for (let index = 0; index < sample; index++) await group.run(index, count);
  return { delegations: counted.delegations / sample, events: counted.events / sample };
}

async function measure(group: Group): Promise<Measured[]> {
  const states = group.tracers.map((name) => ({ name, tracer: tracers[name]() }));
  for (const { tracer } of states) {
    for (let index = 0; index < warmupTurns; index++) await group.run(index, tracer.listener);
    await tracer.finish();
  }
  const spansBefore = states.map(({ tracer }) => tracer.spans() ?? 0);
  const results = states.map(
    ({ name }): Measured => ({
      group,
      tracer: name,
      wall: [],
      cpu: [],
      turns: 0,
      spans: undefined,
      note: undefined,
    }),
  );
  const rounds = Math.ceil(group.turns / block);
  for (let round = 0; round < rounds; round++) {
    const count = Math.min(block, group.turns - round * block);
    for (let step = 0; step < states.length; step++) {
      const at = (round + step) % states.length;
      const { tracer } = states[at]!;
      const result = results[at]!;
      const started = performance.now();
      const cpu = process.cpuUsage();
      // The same turns for every scenario of the round.
      for (let index = round * block; index < round * block + count; index++) {
        await group.run(index, tracer.listener);
      }
      await tracer.finish();
      const cpuUsed = process.cpuUsage(cpu);
      result.wall.push((performance.now() - started) * 1000);
      result.cpu.push(cpuUsed.user + cpuUsed.system);
      result.turns += count;
    }
    if ((round + 1) % 10 === 0 || round + 1 === rounds) {
      process.stderr.write(`${group.name}: round ${round + 1}/${rounds}\n`);
    }
  }
  for (const [index, { tracer }] of states.entries()) {
    const result = results[index]!;
    const exported = tracer.spans();
    result.note = await tracer.close();
    const spans = tracer.spans() ?? exported;
    // The JSONL setup counts its spans at shutdown, warm-up included.
    if (spans !== undefined) {
      result.spans =
        exported === undefined
          ? spans / (result.turns + warmupTurns)
          : (spans - spansBefore[index]!) / result.turns;
    }
  }
  return results;
}

/** What a traced scenario costs over the untraced one of its group. */
function overheadOf(measured: Measured, base: Measured) {
  const paired = (values: number[], baseline: number[]) =>
    values.map((value, index) => (value - baseline[index]!) / baseline[index]!);
  const wall = paired(measured.wall, base.wall);
  return {
    wall: median(wall),
    spread: [quantile(wall, 0.25), quantile(wall, 0.75)] as const,
    total: (sum(measured.wall) - sum(base.wall)) / sum(base.wall),
    cpu: median(paired(measured.cpu, base.cpu)),
    microsPerTurn: (sum(measured.wall) - sum(base.wall)) / measured.turns,
  };
}

async function main(): Promise<void> {
  const workload = loadWorkload(datasetRoot);
  const teams = supportTeams(datasetRoot);
  const primaryOnly = process.env.BENCH_ONLY === 'primary';
  const groups: Group[] = [
    {
      name: 'offline team (retrieval)',
      turns,
      tracers: primaryOnly
        ? ['off', 'control', primaryTracer, defaultSetupTracer]
        : ['off', 'control', 'events', primaryTracer, 'immediate', defaultSetupTracer, 'langfuse'],
      run: teamRunner(teams.retrieval, workload),
    },
  ];
  if (!primaryOnly) {
    groups.push(
      {
        name: 'LLM team, scripted 0 ms model',
        turns: otherTurns,
        tracers: ['off', primaryTracer, defaultSetupTracer],
        run: teamRunner(teams.scriptedLlm, workload),
      },
      {
        name: 'simulated delegation',
        turns: otherTurns,
        tracers: ['off', primaryTracer],
        run: async (index, listener) => {
          await simulateDelegation(workload, index, listener);
          await nextTurnOfTheEventLoop();
        },
      },
    );
  }

  const rows: Record<string, string | number>[] = [];
  const measuredAll: Measured[] = [];
  let primary: { overhead: ReturnType<typeof overheadOf>; base: Measured; delegations: number } | undefined;
  let defaultSetup: ReturnType<typeof overheadOf> | undefined;
  for (const group of groups) {
    const shape = await shapeOf(group);
    const measured = await measure(group);
    measuredAll.push(...measured);
    const base = measured.find((entry) => entry.tracer === 'off')!;
    for (const entry of measured) {
      const isBase = entry === base;
      const overhead = isBase ? undefined : overheadOf(entry, base);
      rows.push({
        group: group.name,
        tracing: tracerNames[entry.tracer],
        turns: entry.turns,
        'µs / turn': (sum(entry.wall) / entry.turns).toFixed(0),
        'overhead (median)': overhead ? percent(overhead.wall) : '—',
        'middle half of rounds': overhead
          ? `${percent(overhead.spread[0])} … ${percent(overhead.spread[1])}`
          : '—',
        'overhead (total time)': overhead ? percent(overhead.total) : '—',
        'overhead (CPU)': overhead ? percent(overhead.cpu) : '—',
        'tracing µs / turn': overhead ? overhead.microsPerTurn.toFixed(0) : '—',
        'delegations / turn': shape.delegations.toFixed(2),
        'spans / turn': entry.spans !== undefined && entry.spans > 0 ? entry.spans.toFixed(1) : '—',
        note: entry.note ?? '',
      });
      if (group === groups[0] && entry.tracer === primaryTracer && overhead) {
        primary = { overhead, base, delegations: shape.delegations };
      }
      if (group === groups[0] && entry.tracer === defaultSetupTracer && overhead) defaultSetup = overhead;
    }
  }
  rmSync(scratch, { recursive: true, force: true });
  if (process.env.BENCH_RAW) {
    const raw = measuredAll.map(({ group, tracer, wall, cpu, turns }) => ({
      group: group.name,
      tracer,
      turns,
      wall,
      cpu,
    }));
    writeFileSync(process.env.BENCH_RAW, `${JSON.stringify({ block, rounds: raw }, null, 1)}\n`);
  }

  const rounds = Math.ceil(turns / block);
  process.stdout.write(
    `\nTracing overhead, ${rounds} interleaved rounds of ${block} turns per scenario for the offline team (Node ${process.version})\n`,
  );
  console.table(rows);

  if (!primary || !defaultSetup) return;
  const { overhead } = primary;
  const label = tracerNames[primaryTracer];
  const range = `middle half of rounds ${percent(overhead.spread[0])} … ${percent(overhead.spread[1])}`;
  process.stdout.write(
    overhead.wall < target / 100
      ? `\nOK: on the offline team, "${label}" costs ${percent(overhead.wall)} (median of ${rounds} paired rounds; ${range}; total time ${percent(overhead.total)}; CPU ${percent(overhead.cpu)}). Target < ${target} %.\n`
      : `\n!!! TARGET MISSED !!! On the offline team, "${label}" costs ${percent(overhead.wall)} (median of ${rounds} paired rounds; ${range}; total time ${percent(overhead.total)}; CPU ${percent(overhead.cpu)}). Target < ${target} %.\n`,
  );
  const gap = defaultSetup.wall * 100 - target;
  process.stdout.write(
    `The default setup (with the JSONL trace file) costs ${percent(defaultSetup.wall)}: ${
      gap < 0
        ? `within the target by ${(-gap).toFixed(1)} points`
        : `${gap.toFixed(1)} points above the target`
    }.\n`,
  );
  const perTurn = sum(primary.base.wall) / primary.base.turns;
  const perDelegations = (micros: number) => (((micros / primary!.delegations) * 10_000) / 1e6).toFixed(1);
  process.stdout.write(
    `Per 10,000 delegations (${primary.delegations.toFixed(2)} per turn): ${perDelegations(perTurn)} s untraced; tracing adds ${perDelegations(
      overhead.microsPerTurn,
    )} s (discarding exporter), ${perDelegations(defaultSetup.microsPerTurn)} s (default setup with the JSONL file).\n`,
  );
  process.stdout.write(
    'Next to a real model call (hundreds of ms a turn) the same absolute cost is far below 0.1 %.\n',
  );
}

await main();
