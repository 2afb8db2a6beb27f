import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fastFlags } from './run-baton.js';
import { batonBin, childEnvironment } from './spawn-baton.js';

// A module-load hook, registered ahead of the CLI (and of tsx, which the launcher registers in a
// checkout): every module Node loads passes through it, and it appends the URL to a file.
const hook = `import { appendFileSync } from 'node:fs';
export async function load(url, context, next) {
  appendFileSync(process.env.BATON_TEST_LOAD_LOG, url + '\\n');
  return next(url, context);
}
`;
const register = `import { register } from 'node:module';
register('./hook.mjs', import.meta.url);
`;

/** The packages whose modules a run of `argv` loaded (node_modules names and Baton workspaces). */
async function loadedPackages(
  folder: string,
  argv: readonly string[],
): Promise<{ packages: Set<string>; status: number | null }> {
  const log = join(folder, `loads-${argv.join('-').replace(/\W/g, '')}.txt`);
  const run = spawnSync(
    process.execPath,
    ['--import', pathToFileURL(join(folder, 'register.mjs')).href, batonBin, ...argv],
    { cwd: folder, env: childEnvironment({ BATON_TEST_LOAD_LOG: log }), encoding: 'utf8' },
  );
  return { packages: packagesOf(await readFile(log, 'utf8')), status: run.status };
}

function packagesOf(text: string): Set<string> {
  const packages = new Set<string>();
  for (const url of text.split('\n')) {
    const installed = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url);
    if (installed) packages.add(installed[1]!);
    const workspace = /\/(packages|apps)\/([^/]+)\/(?:src|dist)\/(.+)$/.exec(url);
    if (workspace && !url.includes('node_modules')) packages.add(`@baton/${workspace[2]}`);
    if (workspace?.[2] === 'eval' && /evaluate\.(ts|js)$/.test(workspace[3]!)) packages.add('evaluate');
  }
  return packages;
}

// Each case starts a Node process (tsx compiles the sources in a checkout): a budget for a loaded
// 2-core machine, not a timing assertion.
describe('the baton CLI loads what a command uses', { timeout: 120_000 }, () => {
  let folder: string;

  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), 'baton-lazy-'));
    await writeFile(join(folder, 'hook.mjs'), hook);
    await writeFile(join(folder, 'register.mjs'), register);
  });
  afterAll(async () => {
    await rm(folder, { recursive: true, force: true });
  });

  it('answers --version without the harness, the model SDK or Langfuse', async () => {
    const { packages, status } = await loadedPackages(folder, ['--version']);
    expect(status).toBe(0);
    expect(packages).toContain('commander');
    for (const heavy of ['evaluate', '@baton/core', 'openai', '@langfuse/core', 'zod', 'minisearch'])
      expect(packages).not.toContain(heavy);
  });

  it('summarises a run folder (report) without agents, the model SDK, OpenTelemetry or Langfuse', async () => {
    // A folder without a run: the command loads its modules, then stops on the missing items.
    const { packages, status } = await loadedPackages(folder, ['report', join(folder, 'no-run')]);
    expect(status).toBe(2);
    expect(packages).toContain('zod');
    for (const heavy of [
      'evaluate',
      'openai',
      '@langfuse/core',
      '@opentelemetry/sdk-trace-base',
      'minisearch',
    ])
      expect(packages).not.toContain(heavy);
  });

  it('loads the whole harness for eval (the check above would pass vacuously if the hook saw nothing)', async () => {
    // --help of a command parses without running it: nothing of the harness yet.
    const help = await loadedPackages(folder, ['eval', '--help']);
    expect(help.status).toBe(0);
    expect(help.packages).not.toContain('evaluate');
    // A usage error found after the modules load (no suite in an empty folder).
    const run = await loadedPackages(folder, [
      'eval',
      '--suite',
      join(folder, 'missing.json'),
      '--no-progress',
    ]);
    expect(run.status).toBe(2);
    expect(run.packages).toContain('evaluate');
    expect(run.packages).toContain('@baton/core');
  });

  it('runs an eval that calls no model without the model SDK, and loads it for one that does', async () => {
    const offline = await loadedPackages(folder, [
      'eval',
      ...fastFlags,
      '--strategies',
      'solo',
      '--no-langfuse',
      '--out',
      join(folder, 'offline-run'),
    ]);
    expect(offline.status).toBe(0);
    expect(offline.packages).toContain('evaluate');
    expect(offline.packages).toContain('@opentelemetry/sdk-trace-base');
    expect(offline.packages).not.toContain('openai');
    // Replaying a cassette that does not exist: the model is set up (the SDK loads), then the
    // first call misses and stops the run as a setup fault, with no network.
    const replayed = await loadedPackages(folder, [
      'eval',
      ...fastFlags,
      '--strategies',
      'solo',
      '--model',
      'openai:gpt-4.1-mini',
      '--replay',
      join(folder, 'no-cassette.jsonl'),
      '--no-langfuse',
      '--out',
      join(folder, 'replayed-run'),
    ]);
    expect(replayed.packages).toContain('openai');
    expect(replayed.status).toBe(2);
  });
});
