#!/usr/bin/env node
// The `baton` launcher. An installed package runs its compiled `dist/`. Inside the repository (a
// workspace checkout, not under node_modules) it runs the TypeScript sources through tsx with the
// `@baton/source` condition, so `npx baton` works right after `npm install` and never runs a stale
// build. BATON_USE_DIST=1 forces the compiled build (after `npm run build`).
import { existsSync, realpathSync } from 'node:fs';
import nodeModule, { register } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = realpathSync(fileURLToPath(new URL('.', import.meta.url)));
const packageRoot = new URL('../', pathToFileURL(`${here}/`));
const sourceEntry = new URL('src/bin.ts', packageRoot);
const distEntry = new URL('dist/bin.js', packageRoot);
const inWorkspace = !here.split(/[\\/]/).includes('node_modules') && existsSync(sourceEntry);

if (inWorkspace && process.env.BATON_USE_DIST !== '1') {
  const { register: registerTsx } = await import('tsx/esm/api');
  registerTsx();
  // Registered after tsx, so it runs first and adds the condition before tsx resolves.
  register('./source-condition-hook.js', import.meta.url);
  await import(sourceEntry.href);
} else if (existsSync(distEntry)) {
  // Node 22.1+ (absent on 20): V8's compiled code of the CLI's ~500 modules kept on disk between
  // runs, keyed by their contents (`baton --version` on Node 24: 0.40-0.51 -> 0.34-0.43 s, eight
  // interleaved pairs). NODE_COMPILE_CACHE (a directory) moves it, NODE_DISABLE_COMPILE_CACHE=1
  // turns it off; set for the scoring workers, which a call here does not reach.
  const cache = nodeModule.enableCompileCache?.();
  if (cache?.directory && process.env.NODE_COMPILE_CACHE === undefined) {
    process.env.NODE_COMPILE_CACHE = cache.directory;
  }
  await import(distEntry.href);
} else {
  process.stderr.write('baton: dist/bin.js is missing; run `npm run build` in the package first.\n');
  process.exitCode = 2;
}
