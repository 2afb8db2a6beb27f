import { execFile } from 'node:child_process';
import { cp, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunSummary } from '../src/run-summary.js';

const run = promisify(execFile);

/** A GitHub Actions expression as the workflow writes it, e.g. `${{ matrix.shard }}`. */
const expression = (name: string) => `\${{ ${name} }}`;
const repository = fileURLToPath(new URL('../../../', import.meta.url));
const starter = join(repository, 'examples', 'ci-starter');
const bin = join(repository, 'apps', 'eval', 'bin', 'baton.js');

/** One `run:` line of the workflow that calls baton, with the job it belongs to. */
interface WorkflowCommand {
  job: string;
  line: string;
}

/**
 * The workflow's `baton` lines in order, and its matrix of shards. Read line by line: the starter
 * keeps each baton call on one `run:` line so that this test can run exactly what CI runs.
 */
async function readWorkflow(): Promise<{ shards: number[]; commands: WorkflowCommand[] }> {
  const text = await readFile(join(starter, '.github', 'workflows', 'baton.yml'), 'utf8');
  const shards = /shard: \[([\d, ]+)\]/
    .exec(text)![1]!
    .split(',')
    .map((shard) => Number(shard.trim()));
  const commands: WorkflowCommand[] = [];
  let job = '';
  for (const line of text.split('\n')) {
    const jobMatch = /^ {2}([\w-]+):\s*$/.exec(line);
    if (jobMatch) job = jobMatch[1]!;
    const runMatch = /^\s+run: (npx baton .*)$/.exec(line);
    if (runMatch) commands.push({ job, line: runMatch[1]! });
  }
  return { shards, commands };
}

/** Runs one workflow line in `cwd` with bash, `npx baton` being the repository's own bin. */
async function runLine(line: string, cwd: string, env: Record<string, string>) {
  const command = line.replace(/^npx baton /, `node ${JSON.stringify(bin)} `);
  try {
    const { stdout, stderr } = await run('bash', ['-c', command], { cwd, env: { ...process.env, ...env } });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: failed.code ?? -1, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
  }
}

describe('the CI starter (examples/ci-starter, what baton init writes)', { timeout: 120_000 }, () => {
  // Inside the repository (in an ignored .baton folder), so that eval.config.ts's import of
  // @baton/eval resolves as it does in a project that installed it.
  const folder = join(repository, '.baton', `ci-starter-test-${process.pid}`);
  const stepSummary = join(folder, 'step-summary.md');
  let workflow: Awaited<ReturnType<typeof readWorkflow>>;
  const outcomes: { job: string; line: string; code: number; stderr: string }[] = [];

  beforeAll(async () => {
    await rm(folder, { recursive: true, force: true });
    await mkdir(folder, { recursive: true });
    await cp(starter, folder, { recursive: true });
    await writeFile(stepSummary, '');
    workflow = await readWorkflow();
    const env = { GITHUB_STEP_SUMMARY: stepSummary, NO_COLOR: '1' };
    // The eval job once per shard of the matrix (as CI runs them, in parallel), then the gate job.
    const total = String(workflow.shards.length);
    const evalLines = workflow.commands.filter((command) => command.job === 'eval');
    await Promise.all(
      workflow.shards.flatMap((shard) =>
        evalLines.map(async ({ job, line }) => {
          const expanded = line
            .replaceAll(expression('matrix.shard'), String(shard))
            .replaceAll(expression('strategy.job-total'), total);
          outcomes.push({ job, line: expanded, ...(await runLine(expanded, folder, env)) });
        }),
      ),
    );
    for (const { job, line } of workflow.commands.filter((command) => command.job !== 'eval')) {
      outcomes.push({ job, line, ...(await runLine(line, folder, env)) });
    }
  }, 180_000);

  afterAll(async () => {
    await rm(folder, { recursive: true, force: true });
  });

  it('has a sharded eval job and a gate job that merges, each calling baton', () => {
    expect(workflow.shards).toEqual([1, 2]);
    expect(workflow.commands.map((command) => command.job)).toEqual(['eval', 'gate']);
    expect(workflow.commands[0]!.line).toContain(
      `--shard ${expression('matrix.shard')}/${expression('strategy.job-total')}`,
    );
    expect(workflow.commands[1]!.line).toMatch(
      /^npx baton merge runs\/baton-shard-\* -o runs\/merged --fail-under/,
    );
  });

  it('runs both shards, then merges them and passes its gates, a custom scorer’s among them', async () => {
    for (const outcome of outcomes)
      expect({ line: outcome.line, code: outcome.code, stderr: outcome.stderr }).toMatchObject({ code: 0 });
    const summary = JSON.parse(
      await readFile(join(folder, 'runs', 'merged', 'summary.json'), 'utf8'),
    ) as RunSummary;
    expect(summary.suite.conversations).toBe(3);
    expect(summary.shard).toBeUndefined();
    expect(summary.gate.passed).toBe(true);
    expect([...new Set(summary.gate.checks.map((check) => check.name))]).toEqual([
      'answerQuality >= 0.5',
      'brevity >= 0.8',
    ]);
    // The shards together hold every turn of the three conversations, for every row.
    const shardTurns = await Promise.all(
      workflow.shards.map(async (shard) =>
        (await readFile(join(folder, 'runs', `baton-shard-${shard}`, 'items.jsonl'), 'utf8'))
          .trim()
          .split('\n'),
      ),
    );
    const merged = (await readFile(join(folder, 'runs', 'merged', 'items.jsonl'), 'utf8')).trim().split('\n');
    expect(merged).toHaveLength(shardTurns.flat().length);
  });

  it('leaves a JUnit file of the gates and the reports in the step summary', async () => {
    const junit = await readFile(join(folder, 'runs', 'merged', 'junit.xml'), 'utf8');
    expect(junit).toContain('tests="4" failures="0"');
    expect(junit).toContain('<testcase classname="verify-recover" name="brevity &gt;= 0.8" time="0">');
    const summary = await readFile(stepSummary, 'utf8');
    // Each shard's report (marked as a shard), then the merged one with the gate's verdict.
    expect(summary).toContain('Shard 1 of 2: merge all shards');
    expect(summary).toContain('Shard 2 of 2: merge all shards');
    expect(summary).toContain('## ✅ Baton eval: gate passed (4 checks)');
    expect(summary).not.toContain(repository);
    expect(await readdir(join(folder, 'runs', 'merged'))).toEqual(
      expect.arrayContaining(['report.html', 'report.md', 'junit.xml', 'summary.json']),
    );
  });

  it('re-reports the merged run with other gates, and fails on a custom scorer’s', async () => {
    const outcome = await runLine('npx baton report runs/merged --fail-under brevity=1.5', folder, {
      NO_COLOR: '1',
    });
    expect(outcome.code).toBe(1);
    expect(outcome.stderr).toMatch(/Gate failed: route-lexical brevity 1\.00 < 1\.50/);
    const junit = await readFile(join(folder, 'runs', 'merged', 'junit.xml'), 'utf8');
    expect(junit).toContain('tests="2" failures="2"');
  });
});
