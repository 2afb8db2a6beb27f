import { execFile } from 'node:child_process';
import { mkdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunSummary } from '../src/run-summary.js';
import { installOffline, type PackedPackage } from './offline-install.js';
import { makeTempFolder } from './run-baton.js';

const run = promisify(execFile);
const repository = fileURLToPath(new URL('../../../', import.meta.url));
const tsc = join(repository, 'node_modules', 'typescript', 'bin', 'tsc');

/** The packages a user installs, with the folders they are built from. */
const packages = [
  ['@baton/core', 'packages/core'],
  ['@baton/providers', 'packages/providers'],
  ['@baton/tracing', 'packages/tracing'],
  ['@baton/a2a', 'packages/a2a'],
  ['@baton/eval', 'apps/eval'],
] as const;

/** Runs a command; resolves with its exit code and output instead of throwing. */
async function exec(file: string, args: readonly string[], cwd: string) {
  try {
    const { stdout, stderr } = await run(file, [...args], {
      cwd,
      env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' },
      maxBuffer: 64 * 1024 * 1024,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return {
      code: typeof failed.code === 'number' ? failed.code : -1,
      stdout: failed.stdout ?? '',
      stderr: failed.stderr ?? '',
    };
  }
}

/** Every export of every package a user imports, under ESM. */
const esmImports = `import { BatonError, createRetrievalAgent, createTeam, routeLexical, type DelegationRecord } from '@baton/core';
import { describeStrategyContract, fakeAgent, scriptedChatModel, type ContractTestApi } from '@baton/core/testing';
import { RecentResults } from '@baton/core/recent-results';
import { createModel, createNodeFetch } from '@baton/providers';
import { chatModelContract, createMockOpenAIServer } from '@baton/providers/testing';
import { setupTracing } from '@baton/tracing';
import { createTestTracing } from '@baton/tracing/testing';
import { createA2aAgent, serveA2a } from '@baton/a2a';
import { defineConfig, evaluate, type RunSummary, type Scorer } from '@baton/eval';

const scorer: Scorer = { specificationVersion: 'v1', name: 'brevity', description: 'short', score: () => ({ value: 1 }) };
export const config = defineConfig({ strategies: ['solo'], scorers: [scorer], failUnder: { brevity: 0.5 } });
export const used = [BatonError, createRetrievalAgent, createTeam, routeLexical, describeStrategyContract, fakeAgent,
  scriptedChatModel, createModel, chatModelContract, createMockOpenAIServer, setupTracing, createTestTracing,
  createA2aAgent, serveA2a, evaluate, RecentResults, createNodeFetch];
export type Used = [DelegationRecord, ContractTestApi, RunSummary];
`;

/** The diagnostics of `tsc --pretty false`, as `file(line,col): error TSxxxx`. */
function diagnostics(output: string): { file: string; code: string; text: string }[] {
  return output
    .split('\n')
    .map((line) => /^(.+?)\(\d+,\d+\): error (TS\d+): (.*)$/.exec(line))
    .filter((match) => match !== null)
    .map((match) => ({ file: match[1]!, code: match[2]!, text: match[0] }));
}

/**
 * `@langfuse/core`'s own declarations do not compile with `skipLibCheck: false` (TS2708, a bug of
 * its bundled `.d.ts`); `@baton/tracing` and `@baton/eval` reach them through Langfuse types in
 * their API. Those errors, and only those, are tolerated (and the README says so); any other error
 * fails the test.
 */
function ownErrors(output: string): string[] {
  return diagnostics(output)
    .filter((entry) => !(entry.file.includes('node_modules/@langfuse/core/') && entry.code === 'TS2708'))
    .map((entry) => entry.text);
}

// Budgets for a loaded 2-core machine (node processes, npm, tsc), not timing assertions.
describe('the packed packages in a fresh project', { timeout: 120_000 }, () => {
  let temp: Awaited<ReturnType<typeof makeTempFolder>>;
  let esm: string;
  let cjs: string;
  let tarballs: string[];

  beforeAll(async () => {
    // The build is turbo's, cached: a second run in the same checkout takes a second.
    const build = await exec('npm', ['run', 'build'], repository);
    if (build.code !== 0)
      throw new Error(`npm run build failed:\n${build.stdout.slice(-3000)}${build.stderr.slice(-2000)}`);
    temp = await makeTempFolder();
    const packed = await exec(
      'node',
      [join(repository, 'scripts', 'pack-tarballs.mjs'), join(temp.path, 'tarballs')],
      repository,
    );
    expect(packed.code).toBe(0);
    tarballs = packages.map(([name]) =>
      join(temp.path, 'tarballs', `${name.replace('@', '').replace('/', '-')}-0.1.0.tgz`),
    );
    const manifests: PackedPackage[] = await Promise.all(
      packages.map(async ([name, folder], index) => ({
        name,
        tarball: tarballs[index]!,
        manifest: JSON.parse(
          await readFile(join(repository, folder, 'package.json'), 'utf8'),
        ) as PackedPackage['manifest'],
      })),
    );
    esm = join(temp.path, 'esm-project');
    cjs = join(temp.path, 'cjs-project');
    await mkdir(esm);
    await installOffline({
      project: esm,
      packages: manifests,
      repositoryRoot: repository,
      type: 'module',
      devDependencies: ['@types/node'],
    });
    // The CommonJS project has the same dependencies (the same node_modules) and no "type".
    await mkdir(cjs);
    const manifest = JSON.parse(await readFile(join(esm, 'package.json'), 'utf8')) as Record<string, unknown>;
    await writeFile(join(cjs, 'package.json'), JSON.stringify({ ...manifest, type: 'commonjs' }, null, 2));
    await symlink(join(esm, 'node_modules'), join(cjs, 'node_modules'), 'dir');
  }, 600_000);

  afterAll(async () => {
    await temp?.remove();
  });

  it('gets tarballs with the build, the types, the LICENSE and the README, and no tests', async () => {
    for (const tarball of tarballs) {
      const { stdout } = await exec('tar', ['-tzf', tarball], temp.path);
      const files = stdout.split('\n');
      expect(files).toEqual(
        expect.arrayContaining([
          'package/LICENSE',
          'package/README.md',
          'package/dist/index.js',
          'package/dist/index.d.ts',
        ]),
      );
      expect(files.filter((file) => /\.test\.ts$|\.fixture\.ts$/.test(file))).toEqual([]);
    }
  });

  it('imports every package and subpath under ESM, without a test framework installed', async () => {
    await writeFile(
      join(esm, 'imports.mjs'),
      `const names = ['@baton/core', '@baton/core/testing', '@baton/core/recent-results', '@baton/providers', '@baton/providers/testing', '@baton/tracing', '@baton/tracing/testing', '@baton/a2a', '@baton/a2a/testing', '@baton/eval'];
const counts = {};
for (const name of names) counts[name] = Object.keys(await import(name)).length;
let vitest = 'absent';
try { await import('vitest'); vitest = 'present'; } catch {}
console.log(JSON.stringify({ counts, vitest }));
`,
    );
    const outcome = await exec('node', ['imports.mjs'], esm);
    expect(outcome.stderr).toBe('');
    const { counts, vitest } = JSON.parse(outcome.stdout) as {
      counts: Record<string, number>;
      vitest: string;
    };
    expect(vitest).toBe('absent');
    for (const count of Object.values(counts)) expect(count).toBeGreaterThan(0);
  });

  it('requires the packages from CommonJS: the ESM build, one copy of each class', async () => {
    await writeFile(
      join(cjs, 'require.js'),
      `const core = require('@baton/core');
const names = ['@baton/core/testing', '@baton/providers', '@baton/providers/testing', '@baton/tracing', '@baton/tracing/testing', '@baton/eval'];
const counts = Object.fromEntries(names.map((name) => [name, Object.keys(require(name)).length]));
import('@baton/core').then((esm) => {
  console.log(JSON.stringify({ counts, sameClass: esm.BatonError === core.BatonError }));
});
`,
    );
    const outcome = await exec('node', ['require.js'], cjs);
    expect(outcome.code).toBe(0);
    const result = JSON.parse(outcome.stdout) as { counts: Record<string, number>; sameClass: boolean };
    expect(result.sameClass).toBe(true);
    for (const count of Object.values(result.counts)) expect(count).toBeGreaterThan(0);
  });

  it('runs the README’s quick start verbatim, and a team from CommonJS', async () => {
    const readme = await readFile(join(repository, 'README.md'), 'utf8');
    const block = /runs this block verbatim\. -->\n```js\n([\s\S]*?)\n```/.exec(readme)![1]!;
    await writeFile(join(esm, 'team.mjs'), `${block}\n`);
    const quickStart = await exec('node', ['team.mjs'], esm);
    expect(quickStart.stderr).toBe('');
    expect(quickStart.stdout).toMatch(
      /^A double charge is refunded within five working days, to the card you paid with\.\nbilling best capability-card match: billing/,
    );

    await writeFile(
      join(cjs, 'team.js'),
      `const { createRetrievalAgent, createTeam, solo } = require('@baton/core');
const desk = createRetrievalAgent({
  card: { id: 'desk', name: 'Desk', description: 'Opening hours', domains: ['general'] },
  articles: [{ id: 'hours', title: 'Hours', body: 'We are open Monday to Friday, 9:00 to 17:00.', tags: [], language: 'en' }],
});
createTeam({ front: desk, delegates: [], strategy: solo() })
  .respond({ message: 'when are you open on monday?', history: [] })
  .then((result) => console.log(result.outcome, '|', result.answer));
`,
    );
    const team = await exec('node', ['team.js'], cjs);
    expect(team.stdout).toBe('answered | We are open Monday to Friday, 9:00 to 17:00.\n');
  });

  it('typechecks with skipLibCheck false under ESM and CommonJS, and resolves under node16, bundler and node10', {
    timeout: 420_000,
  }, async () => {
    await writeFile(join(esm, 'all.ts'), esmImports);
    await writeFile(join(cjs, 'all.ts'), esmImports);
    const base = { strict: true, noEmit: true, target: 'es2022', lib: ['es2023'], types: ['node'] };
    // Every declaration file is checked (skipLibCheck false) once per module system; the other
    // resolution modes check that every import resolves and types (the declarations are the same
    // files, and checking them all again per mode costs minutes on a busy machine).
    const libCheck = { skipLibCheck: false };
    const configs: [string, string, Record<string, unknown>, string][] = [
      [esm, 'nodenext', { ...libCheck, module: 'nodenext', moduleResolution: 'nodenext' }, 'all.ts'],
      [cjs, 'cjs-nodenext', { ...libCheck, module: 'nodenext', moduleResolution: 'nodenext' }, 'all.ts'],
      [esm, 'node16', { module: 'node16', moduleResolution: 'node16' }, 'all.ts'],
      [esm, 'bundler', { module: 'preserve', moduleResolution: 'bundler' }, 'all.ts'],
      [esm, 'node10', { module: 'commonjs', moduleResolution: 'node10', esModuleInterop: true }, 'all.ts'],
    ];
    const outcomes = await Promise.all(
      configs.map(async ([project, name, options, file]) => {
        await writeFile(
          join(project, `tsconfig.${name}.json`),
          JSON.stringify({ compilerOptions: { ...base, ...options }, files: [file] }),
        );
        const outcome = await exec(
          'node',
          [tsc, '-p', `tsconfig.${name}.json`, '--pretty', 'false'],
          project,
        );
        return { name, output: outcome.stdout + outcome.stderr };
      }),
    );
    for (const { name, output } of outcomes)
      expect({ name, errors: ownErrors(output) }).toEqual({ name, errors: [] });
  });

  it('runs baton init and baton eval from the installed package', { timeout: 120_000 }, async () => {
    const bin = join(esm, 'node_modules', '.bin', 'baton');
    const init = await exec(bin, ['init'], esm);
    expect(init.code).toBe(0);
    const evaluated = await exec(
      bin,
      ['eval', '--no-progress', '--resamples', '200', '-o', 'run', '--fail-under', 'brevity=0.8'],
      esm,
    );
    expect({ code: evaluated.code, stderr: evaluated.stderr.slice(-1500) }).toMatchObject({ code: 0 });
    const summary = JSON.parse(await readFile(join(esm, 'run', 'summary.json'), 'utf8')) as RunSummary;
    expect(summary.strategies.map((strategy) => strategy.name)).toEqual([
      'solo',
      'route-lexical',
      'verify-recover',
      'echo',
      'generic',
    ]);
    expect(summary.gate.passed).toBe(true);
  });

  it('runs baton init and baton eval in a CommonJS project (eval.config.ts loaded as CommonJS)', {
    timeout: 120_000,
  }, async () => {
    const bin = join(cjs, 'node_modules', '.bin', 'baton');
    expect((await exec(bin, ['init'], cjs)).code).toBe(0);
    const evaluated = await exec(bin, ['eval', '--no-progress', '--resamples', '200', '-o', 'run'], cjs);
    expect(evaluated.code, evaluated.stderr.slice(-1500)).toBe(0);
    const summary = JSON.parse(await readFile(join(cjs, 'run', 'summary.json'), 'utf8')) as RunSummary;
    expect(summary.strategies.map((strategy) => strategy.name)).toContain('solo');
  });
});
