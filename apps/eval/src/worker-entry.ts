import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';

/** What `new Worker()` is given to start one of the harness's worker threads. */
export interface WorkerEntry {
  /** The compiled module's URL, or the bootstrap source to evaluate. */
  script: URL | string;
  /** Whether `script` is source (`new Worker`'s `eval` option). */
  eval: boolean;
}

/**
 * The worker to start for the module `name` (without its extension) beside `callerUrl` (the
 * caller's `import.meta.url`): the compiled `.js` in a build. From the TypeScript sources (a
 * workspace run through tsx, or a test) a small bootstrap registers tsx and the `@baton/source`
 * condition in the worker first and then imports the `.ts` module: a worker does not inherit loaders
 * registered at runtime, and on Node 20 an `--import` in its `execArgv` registers them too late for
 * its entry module.
 *
 * @example
 * ```ts
 * const entry = workerEntry(import.meta.url, './text-score-worker');
 * const worker = new Worker(entry.script, { eval: entry.eval });
 * ```
 */
export function workerEntry(callerUrl: string, name: string): WorkerEntry {
  if (!callerUrl.endsWith('.ts')) return { script: new URL(`${name}.js`, callerUrl), eval: false };
  // tsx's ES-module API (its `import` export of `tsx/esm/api`): `require.resolve` would give the
  // CommonJS one, whose `register()` looks for its loader in the wrong folder.
  const tsxRoot = dirname(createRequire(import.meta.url).resolve('tsx/package.json'));
  const tsxApi = pathToFileURL(join(tsxRoot, 'dist', 'esm', 'api', 'index.mjs')).href;
  const worker = new URL(`${name}.ts`, callerUrl).href;
  // The launcher's hook adding the `@baton/source` condition, registered after tsx so it runs first
  // (as bin/baton.js does): workspace packages the worker imports (`@baton/core/recent-results`)
  // then resolve to their sources, which a checkout that was never built has.
  const sourceCondition = new URL('../bin/source-condition-hook.js', import.meta.url).href;
  const bootstrap = `Promise.all([import(${JSON.stringify(tsxApi)}), import('node:module')]).then(([tsx, module]) => { tsx.register(); module.register(${JSON.stringify(sourceCondition)}); return import(${JSON.stringify(worker)}); });`;
  return { script: bootstrap, eval: true };
}
