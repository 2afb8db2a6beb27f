/*
 * The harness's performance against the targets of issue 16, measured end to end on the CLI as a
 * user runs it (`baton eval`, compiled build, start-up included):
 *
 *  1. LLM path: one-call turns against a loopback stub host (the providers' mock OpenAI server, in
 *     its own process, answering each call after L = 50 ms), for N = 2,000 turns at
 *     --concurrency 32 and N = 10,000 at 64. Efficiency = ideal / wall, where ideal = N·L/C is the
 *     time the host alone needs; CPU per turn is the harness process's user + system time ÷ N.
 *  2. Offline path: the default run on the support suite (`baton eval`), items per second.
 *  3. Memory: a generated file of one-turn conversations replayed by route-lexical (plus the floor
 *     probes and the recorded row, as every run), RSS sampled over the run; peak from the kernel.
 *     Then `baton report` on that run: the summary of all its items alone (time, CPU, peak RSS).
 *
 * Every measured process runs `node --import usage-probe.mjs bin/baton.js …` with
 * BATON_USE_DIST=1, so the figures are the compiled CLI's; `npm run bench` builds it first.
 * Knobs: BATON_BENCH_ONLY=llm|offline|memory, BATON_BENCH_MEMORY_CONVERSATIONS (default 100,000,
 * the file of the issue, about 7 minutes on 2 cores; fewer for a quick look, extrapolated),
 * BATON_BENCH_LATENCY_MS (default 50), BATON_BENCH_REPEATS (runs the LLM and offline parts that
 * many times, a row per run: a shared machine's figures vary from run to run; default 1),
 * BATON_BENCH_MEMORY_HEAP_GROWTH (runs the memory part with
 * `baton eval --heap-growth <n>` as well), BATON_BENCH_MEMORY_HEAP_MB (and with node
 * `--max-old-space-size=<n>`).
 * Exits non-zero only on a crash; missed targets are reported loudly.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { createReadStream, existsSync, readFileSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const repository = fileURLToPath(new URL('../../../', import.meta.url));
const launcher = fileURLToPath(new URL('../bin/baton.js', import.meta.url));
const probe = pathToFileURL(fileURLToPath(new URL('./usage-probe.mjs', import.meta.url))).href;
const suite = join(repository, 'datasets', 'support', 'suite.json');
const latencyMs = Number(process.env.BATON_BENCH_LATENCY_MS ?? '50');
const only = process.env.BATON_BENCH_ONLY;
const memoryConversations = Number(process.env.BATON_BENCH_MEMORY_CONVERSATIONS ?? '100000');
const memoryHeapMb = process.env.BATON_BENCH_MEMORY_HEAP_MB;
const memoryHeapGrowth = process.env.BATON_BENCH_MEMORY_HEAP_GROWTH;
const repeats = Number(process.env.BATON_BENCH_REPEATS ?? '1');
if (!Number.isInteger(repeats) || repeats < 1) {
  throw new Error(
    `BATON_BENCH_REPEATS must be a positive whole number, got ${process.env.BATON_BENCH_REPEATS}.`,
  );
}
/** The label of a row of one of several repeats: a shared machine's figures vary from run to run. */
const ofRepeat = (round: number) => (repeats > 1 ? ` [run ${round}/${repeats}]` : '');

interface Usage {
  userMs: number;
  systemMs: number;
  maxRssBytes: number;
  /** The main thread's own CPU time (Linux only). */
  mainThreadMs?: number;
  /**
   * The CPU time of V8's and libuv's background threads (compilation, garbage collection, file
   * writes; Linux only). The rest, total less main and this, is the worker threads' (scoring).
   */
  backgroundThreadsMs?: number;
  /** [ms since start, RSS bytes]. */
  samples: [number, number][];
}

interface Row {
  target: string;
  measured: string;
  verdict: string;
}

const rows: Row[] = [];
const missed: string[] = [];

function record(target: string, measured: string, met: boolean | undefined): void {
  rows.push({ target, measured, verdict: met === undefined ? '(context)' : met ? 'met' : 'NOT MET' });
  if (met === false) missed.push(`${target}: ${measured}`);
}

/** The machine the figures come from, as the README quotes it. */
function machine(): string {
  let cpu = 'unknown CPU';
  try {
    cpu = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? cpu;
  } catch {
    // Not Linux: the model stays unknown.
  }
  return `${availableParallelism()} cores (nproc), ${cpu}, Node ${process.version}`;
}

const load = () =>
  loadavg()
    .map((value) => value.toFixed(1))
    .join(' / ');

/** One user turn and the human reply to it, from the support corpus. */
interface Exchange {
  user: Record<string, unknown>;
  agent: Record<string, unknown>;
}

async function corpusExchanges(): Promise<Exchange[]> {
  const folder = join(repository, 'datasets', 'support', 'conversations');
  const exchanges: Exchange[] = [];
  for (const file of (await readdir(folder)).filter((name) => name.endsWith('.jsonl')).sort()) {
    for (const line of (await readFile(join(folder, file), 'utf8')).split('\n')) {
      if (line.trim() === '') continue;
      const turns = (JSON.parse(line) as { turns: Record<string, unknown>[] }).turns;
      turns.forEach((turn, index) => {
        const next = turns[index + 1];
        if (turn.role === 'user' && next?.role === 'agent') exchanges.push({ user: turn, agent: next });
      });
    }
  }
  return exchanges;
}

/** A file of `count` one-turn conversations cycling through the corpus's exchanges. */
async function writeConversations(file: string, count: number, exchanges: readonly Exchange[]) {
  const lines: string[] = [];
  for (let index = 0; index < count; index += 1) {
    const { user, agent } = exchanges[index % exchanges.length]!;
    // A ticket number of its own in the message, the reply and its draft: the file cycles through
    // the corpus's exchanges, and without it the harness's memos (text scores, knowledge searches)
    // would reuse the work of an earlier copy, which a real file of distinct conversations never
    // allows.
    const ticket = `T${String(index).padStart(6, '0')}`;
    const unique = {
      user: { ...user, text: `${String(user.text)} (ticket ${ticket})` },
      agent: {
        ...agent,
        text: `${String(agent.text)} Ticket ${ticket}.`,
        ...(typeof agent.draft === 'string' ? { draft: `${agent.draft} Ticket ${ticket}.` } : {}),
      },
    };
    lines.push(
      JSON.stringify({ id: `gen-${String(index).padStart(6, '0')}`, turns: [unique.user, unique.agent] }),
    );
  }
  await writeFile(file, `${lines.join('\n')}\n`);
}

async function startStub(): Promise<{ url: string; process: ChildProcess }> {
  const script = fileURLToPath(new URL('./mock-server-process.ts', import.meta.url));
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', '--conditions=@baton/source', script, String(latencyMs)],
    { stdio: ['pipe', 'pipe', 'inherit'] },
  );
  const url = await new Promise<string>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`The stub host exited with ${code}.`)));
    child.stdout?.once('data', (data) => resolve(String(data).trim()));
  });
  child.removeAllListeners('exit');
  return { url, process: child };
}

async function stopStub(stub: { process: ChildProcess }): Promise<number> {
  const report = new Promise<string>((resolve) =>
    stub.process.stdout?.once('data', (data) => resolve(String(data))),
  );
  stub.process.stdin?.end();
  return (JSON.parse(await report) as { calls: number }).calls;
}

/** Runs the compiled `baton` in its own process: wall time from spawn to exit, and its usage. */
async function runBaton(
  args: readonly string[],
  options: { folder: string; env?: Record<string, string>; nodeOptions?: readonly string[] },
): Promise<{ wallMs: number; usage: Usage }> {
  const usageFile = join(options.folder, `usage-${Date.now()}-${Math.random().toString(36).slice(2)}.json`);
  const started = performance.now();
  const child = spawn(
    process.execPath,
    [...(options.nodeOptions ?? []), '--import', probe, launcher, ...args],
    {
      cwd: repository,
      env: {
        ...process.env,
        BATON_USE_DIST: '1',
        BATON_BENCH_USAGE_FILE: usageFile,
        NO_COLOR: '1',
        ...options.env,
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  let stderr = '';
  child.stderr?.on('data', (data) => {
    stderr += String(data);
  });
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  const wallMs = performance.now() - started;
  if (code !== 0) throw new Error(`baton ${args.join(' ')} exited with ${code}:\n${stderr.slice(-2000)}`);
  const usage = JSON.parse(await readFile(usageFile, 'utf8')) as Usage;
  return { wallMs, usage };
}

const cpuMs = (usage: Usage) => usage.userMs + usage.systemMs;

/**
 * "; main thread x ms, scoring worker y ms, V8's and libuv's background threads z ms" per turn,
 * where the probe could read the threads' times (the background threads compile and collect
 * garbage for both heaps, so a short run's JIT warm-up shows there).
 */
function threadSplit(usage: Usage, turns: number): string {
  if (usage.mainThreadMs === undefined) return '';
  const main = usage.mainThreadMs / turns;
  const rest = cpuMs(usage) / turns - main;
  if (usage.backgroundThreadsMs === undefined) {
    return `; main thread ${main.toFixed(2)} ms, scoring worker and V8's background threads ${rest.toFixed(2)} ms`;
  }
  const background = usage.backgroundThreadsMs / turns;
  return `; main thread ${main.toFixed(2)} ms, scoring worker ${(rest - background).toFixed(2)} ms, V8's and libuv's background threads ${background.toFixed(2)} ms`;
}
const megabytes = (bytes: number) => `${Math.round(bytes / 1024 / 1024)} MB`;

/** Non-empty lines of a file, streamed: the 100,000-conversation run's items pass 512 MB, V8's longest string. */
async function lineCount(file: string): Promise<number> {
  if (!existsSync(file)) return 0;
  let lines = 0;
  let previous = 0x0a;
  for await (const chunk of createReadStream(file) as AsyncIterable<Buffer>) {
    for (const byte of chunk) {
      if (byte === 0x0a && previous !== 0x0a) lines += 1;
      previous = byte;
    }
  }
  return previous === 0x0a ? lines : lines + 1;
}

/**
 * `baton eval` over a whole generated file (no split: the file is not the suite's), quiet, offline
 * of Langfuse; `concurrency` undefined leaves the run its default.
 */
function generatedRunArgs(
  file: string,
  strategies: string,
  concurrency: number | undefined,
  out: string,
): string[] {
  return [
    'eval',
    '--suite',
    suite,
    '--dataset',
    file,
    '--split',
    'all',
    '--strategies',
    strategies,
    ...(concurrency === undefined ? [] : ['--concurrency', String(concurrency)]),
    '--no-progress',
    '--no-langfuse',
    '--out',
    out,
  ];
}

async function llmPath(folder: string, exchanges: readonly Exchange[]): Promise<void> {
  const stub = await startStub();
  const run = async (turns: number, concurrency: number, out: string) => {
    const file = join(folder, `llm-${turns}.jsonl`);
    if (!existsSync(file)) await writeConversations(file, turns, exchanges);
    return runBaton(
      [...generatedRunArgs(file, 'solo', concurrency, join(folder, out)), '--model', 'openai:gpt-4.1-mini'],
      { folder, env: { OPENAI_API_KEY: 'sk-bench', OPENAI_BASE_URL: stub.url } },
    );
  };
  try {
    // Unmeasured: warms the file cache and the stub's connections.
    await run(200, 32, 'llm-warm-up');
    for (let round = 1; round <= repeats; round += 1) {
      for (const [turns, concurrency, target] of [
        [2_000, 32, 0.75],
        [10_000, 64, 0.85],
      ] as const) {
        await llmRow(round, turns, concurrency, target);
      }
    }
    await modelCallFloor(stub.url);
    record('stub host calls served', String(await stopStub(stub)), undefined);
  } catch (error) {
    await stopStub(stub).catch(() => 0);
    throw error;
  }

  async function llmRow(round: number, turns: number, concurrency: number, target: number): Promise<void> {
    const { wallMs, usage } = await run(turns, concurrency, `llm-${turns}-${round}`);
    const ideal = (turns * latencyMs) / concurrency;
    const efficiency = ideal / wallMs;
    const perTurn = cpuMs(usage) / turns;
    record(
      `LLM path N=${turns} C=${concurrency}: efficiency ≥ ${target}${ofRepeat(round)}`,
      `${efficiency.toFixed(2)} (ideal ${(ideal / 1000).toFixed(2)} s, wall ${(wallMs / 1000).toFixed(2)} s incl. start-up; load ${load()})`,
      efficiency >= target,
    );
    record(
      `LLM path N=${turns} C=${concurrency}: CPU ≤ 2 ms per turn${ofRepeat(round)}`,
      `${perTurn.toFixed(2)} ms (${(cpuMs(usage) / 1000).toFixed(1)} s CPU for ${turns} turns, start-up included${threadSplit(usage, turns)})`,
      perTurn <= 2,
    );
    record(
      `LLM path N=${turns} C=${concurrency}: peak RSS ≤ 200 MB${ofRepeat(round)}`,
      megabytes(usage.maxRssBytes),
      usage.maxRssBytes <= 200 * 1024 * 1024,
    );
  }
}

/**
 * Context for the LLM rows: the same 2,000 calls at 32 in flight made by a bare loop
 * (`model-call-floor.ts`), through Baton's OpenAI chat model and through Node's `http` alone. What a
 * harness turn spends beyond the first is agents, knowledge, scoring, tracing and output.
 */
async function modelCallFloor(url: string): Promise<void> {
  const script = fileURLToPath(new URL('./model-call-floor.ts', import.meta.url));
  const turns = 2_000;
  const concurrency = 32;
  for (const [mode, label] of [
    ['model', 'the `openai` SDK over createNodeFetch, as every harness turn'],
    ['http', "Node's http alone"],
  ] as const) {
    // Without the @baton/source condition: the compiled @baton/providers, like the CLI measured above.
    const run = spawnSync(
      process.execPath,
      ['--import', 'tsx', script, url, String(turns), String(concurrency), mode],
      { cwd: repository, encoding: 'utf8' },
    );
    if (run.status !== 0) throw new Error(`model-call-floor ${mode} failed:\n${run.stderr}`);
    const { wallMs, cpuMs } = JSON.parse(run.stdout.trim().split('\n').at(-1)!) as {
      wallMs: number;
      cpuMs: number;
    };
    const ideal = (turns * latencyMs) / concurrency;
    record(
      `(context) N=${turns} C=${concurrency}, the model calls alone: ${label}`,
      `${(cpuMs / turns).toFixed(2)} ms CPU per call, efficiency ${(ideal / wallMs).toFixed(2)} (calls only, no start-up)`,
      undefined,
    );
  }
}

async function offlinePath(folder: string): Promise<void> {
  for (let round = 1; round <= repeats; round += 1) await offlineRun(folder, round);
}

async function offlineRun(folder: string, round: number): Promise<void> {
  const out = join(folder, `offline-${round}`);
  const { wallMs, usage } = await runBaton(
    ['eval', '--suite', suite, '--no-progress', '--no-langfuse', '--out', out],
    {
      folder,
    },
  );
  const items = await lineCount(join(out, 'items.jsonl'));
  const profiled = await lineCount(join(out, 'profile', 'items.jsonl'));
  const rate = items / (wallMs / 1000);
  record(
    `offline default run: ≥ 1,000 items/s${ofRepeat(round)}`,
    `${Math.round(rate)} items/s (${items} items in ${(wallMs / 1000).toFixed(1)} s incl. start-up and the profiling pass's ${profiled} items; ${Math.round((items + profiled) / (wallMs / 1000))} items/s counting those; ${(cpuMs(usage) / 1000).toFixed(1)} s CPU${usage.mainThreadMs === undefined ? '' : `, ${(usage.mainThreadMs / 1000).toFixed(1)} s of it on the main thread${usage.backgroundThreadsMs === undefined ? '' : `, ${((cpuMs(usage) - usage.mainThreadMs - usage.backgroundThreadsMs) / 1000).toFixed(1)} s in the scoring worker, ${(usage.backgroundThreadsMs / 1000).toFixed(1)} s in V8's and libuv's background threads`}`}; load ${load()})`,
    rate >= 1000,
  );
}

async function memory(folder: string, exchanges: readonly Exchange[]): Promise<void> {
  const file = join(folder, `memory-${memoryConversations}.jsonl`);
  await writeConversations(file, memoryConversations, exchanges);
  await memoryRun(folder, file, { name: 'default', label: '' });
  await summaryRun(folder);
  const variants: MemoryVariant[] = [];
  if (memoryHeapGrowth !== undefined) {
    variants.push({
      name: 'growth',
      label: ` (--heap-growth ${memoryHeapGrowth})`,
      args: ['--heap-growth', memoryHeapGrowth],
    });
  }
  if (memoryHeapMb !== undefined) {
    variants.push({
      name: 'capped',
      label: ` (node --max-old-space-size=${memoryHeapMb})`,
      nodeOptions: [`--max-old-space-size=${memoryHeapMb}`],
    });
  }
  for (const variant of variants) {
    // A cap below what the run must hold kills it (V8 aborts when the heap is full): reported, not
    // thrown, so the figures of the other runs still print.
    await memoryRun(folder, file, variant).catch((error: unknown) =>
      record(
        `memory: ${memoryConversations.toLocaleString('en')} conversations${variant.label}`,
        `crashed: ${String(error instanceof Error ? error.message : error)
          .split('\n')
          .slice(-3)
          .join(' ')}`,
        false,
      ),
    );
  }
}

/**
 * `baton report` on the memory run's folder: the summary alone (reading every item back, the
 * bootstrap intervals of every metric and row), which is also what a run's last phase does.
 * Context, not a target.
 */
async function summaryRun(folder: string): Promise<void> {
  const out = join(folder, 'memory-default');
  const items = await lineCount(join(out, 'items.jsonl'));
  const { wallMs, usage } = await runBaton(['report', out], { folder });
  record(
    `summary of the memory run (baton report, ${items.toLocaleString('en')} items)`,
    `${(wallMs / 1000).toFixed(1)} s, ${(cpuMs(usage) / 1000).toFixed(1)} s CPU, peak ${megabytes(usage.maxRssBytes)}`,
    undefined,
  );
}

/** A way to run the memory file: as is, with `baton` options, or with V8 options (a heap cap). */
interface MemoryVariant {
  name: string;
  /** How the report names it, after the conversation count. */
  label: string;
  args?: readonly string[];
  nodeOptions?: readonly string[];
}

/** One run over the generated file, in one of its variants. */
async function memoryRun(folder: string, file: string, variant: MemoryVariant): Promise<void> {
  const out = join(folder, `memory-${variant.name}`);
  const { wallMs, usage } = await runBaton(
    // The default turns in flight, as a user's offline run has them.
    [...generatedRunArgs(file, 'route-lexical', undefined, out), ...(variant.args ?? [])],
    {
      folder,
      env: { BATON_BENCH_SAMPLE_MS: '500' },
      nodeOptions: variant.nodeOptions ?? [],
    },
  );
  const label = variant.label;
  const items = await lineCount(join(out, 'items.jsonl'));
  const samples = usage.samples;
  const at = (share: number) =>
    samples[Math.min(samples.length - 1, Math.floor(share * (samples.length - 1)))]!;
  const quarter = at(0.25);
  const end = at(1);
  const seconds = wallMs / 1000;
  // Growth after the first quarter (start-up and warm-up done), per 1,000 items replayed.
  const itemsBetween = items * ((end[0] - quarter[0]) / Math.max(1, samples.at(-1)![0]));
  const growthPerThousand = ((end[1] - quarter[1]) / Math.max(1, itemsBetween)) * 1000;
  const full = 100_000;
  const extrapolated =
    memoryConversations >= full
      ? usage.maxRssBytes
      : usage.maxRssBytes +
        (Math.max(0, growthPerThousand) * items * (full / memoryConversations - 1)) / 1000;
  record(
    `memory: ${memoryConversations.toLocaleString('en')} conversations${label}, peak RSS < 256 MB`,
    `peak ${megabytes(usage.maxRssBytes)}; RSS at 25/50/75/100 %: ${[0.25, 0.5, 0.75, 1].map((share) => megabytes(at(share)[1])).join(' / ')}; ${items} items in ${seconds.toFixed(0)} s (${Math.round(items / seconds)} items/s)`,
    usage.maxRssBytes < 256 * 1024 * 1024,
  );
  if (memoryConversations < full) {
    record(
      `memory: extrapolated to 100,000 conversations${label}`,
      `${megabytes(extrapolated)} (growth after the first quarter: ${(growthPerThousand / 1024).toFixed(1)} KB per 1,000 items)`,
      extrapolated < 256 * 1024 * 1024,
    );
  }
}

/**
 * Compiles the CLI the runs measure (the dependencies' builds come first: turbo's `^build`). Type
 * errors do not stop the emit; a missing `dist/bin.js` does stop the benchmark.
 */
function buildCli(): void {
  const packageRoot = fileURLToPath(new URL('../', import.meta.url));
  const tsc = join(repository, 'node_modules', 'typescript', 'bin', 'tsc');
  const built = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], {
    cwd: packageRoot,
    encoding: 'utf8',
  });
  if (!existsSync(join(packageRoot, 'dist', 'bin.js'))) {
    throw new Error(`Building the CLI failed:\n${built.stdout}${built.stderr}`);
  }
}

const folder = await mkdtemp(join(tmpdir(), 'baton-perf-'));
try {
  buildCli();
  console.log(`machine: ${machine()}; load average before: ${load()}`);
  const exchanges = await corpusExchanges();
  if (!only || only === 'llm') await llmPath(folder, exchanges);
  if (!only || only === 'offline') await offlinePath(folder);
  if (!only || only === 'memory') await memory(folder, exchanges);
  console.log('\n@baton/eval performance (issue 16)');
  console.table(rows);
  console.log(`machine: ${machine()}; load average after: ${load()}`);
  if (missed.length > 0) {
    console.log(
      `\n!!! ${missed.length} target(s) NOT MET:\n${missed.map((line) => `  - ${line}`).join('\n')}\n`,
    );
  } else {
    console.log('\nAll targets met.');
  }
} finally {
  await rm(folder, { recursive: true, force: true });
}
