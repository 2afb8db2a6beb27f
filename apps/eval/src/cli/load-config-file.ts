import { accessSync, constants, existsSync, readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { tsImport } from 'tsx/esm/api';
import type { EvalConfig } from '../eval-config.js';
import { EvalError } from '../eval-error.js';

const defaultNames = ['eval.config.ts', 'eval.config.mts', 'eval.config.js', 'eval.config.mjs'];

/**
 * Loads `eval.config.ts` (or the file named by `--config`): TypeScript is imported through tsx, so
 * users need no build step. No file and no `--config`: an empty config.
 */
export async function loadConfigFile(cwd: string, file?: string): Promise<EvalConfig> {
  const path = file
    ? resolve(cwd, file)
    : defaultNames.map((name) => resolve(cwd, name)).find((candidate) => existsSync(candidate));
  if (!path) return {};
  if (!existsSync(path)) throw new EvalError('usage', `--config ${file}: no such file.`);
  let loaded: { default?: unknown };
  try {
    loaded =
      isCommonJsScoped(path) && canWriteBeside(path)
        ? await importAsModule(path)
        : ((await tsImport(pathToFileURL(path).href, import.meta.url)) as { default?: unknown });
  } catch (error) {
    throw new EvalError(
      'invalid-config',
      `${path}: ${error instanceof Error ? error.message : String(error)}`,
      { cause: error },
    );
  }
  // A config in a CommonJS-scoped folder comes back wrapped once more: { default: { default: config } }.
  let config = loaded.default;
  if (isRecord(config) && Object.keys(config).length === 1 && isRecord(config.default))
    config = config.default;
  if (typeof config !== 'object' || config === null) {
    throw new EvalError('invalid-config', `${path}: export default defineConfig({ … }) is missing.`);
  }
  return config as EvalConfig;
}

/**
 * Whether Node would run this file as CommonJS: a `.ts` or `.js` file whose nearest package.json
 * does not say `"type": "module"` (a `.mts` or `.mjs` file is always a module).
 */
function isCommonJsScoped(path: string): boolean {
  if (!/\.(ts|js)$/.test(path)) return false;
  for (let folder = dirname(path); ; folder = dirname(folder)) {
    const manifest = join(folder, 'package.json');
    if (existsSync(manifest)) {
      try {
        return (JSON.parse(readFileSync(manifest, 'utf8')) as { type?: unknown }).type !== 'module';
      } catch {
        return true;
      }
    }
    if (dirname(folder) === folder) return true;
  }
}

/** Whether a file can be written beside the config (a read-only project falls back to tsx alone). */
function canWriteBeside(path: string): boolean {
  try {
    accessSync(dirname(path), constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * Loads a CommonJS-scoped config as an ES module. Compiled to CommonJS (what tsx does for such a
 * file), its imports become `require` calls, and `require` cannot load ESM-only packages that
 * Baton's own packages import (`eld` exports an `import` condition only). As Vite does with its
 * config: bundle the config and the local files it imports into one ES module (packages stay
 * imports), with `__dirname`, `__filename` and `require` defined as CommonJS code expects them,
 * write it beside the config (so that packages resolve from the project) and import it.
 */
async function importAsModule(path: string): Promise<{ default?: unknown }> {
  const output = join(
    dirname(path),
    `.${basename(path)}.${process.pid}-${Date.now().toString(36)}.baton.mjs`,
  );
  await build({
    entryPoints: [path],
    outfile: output,
    bundle: true,
    packages: 'external',
    format: 'esm',
    platform: 'node',
    target: 'node20',
    logLevel: 'silent',
    banner: {
      js: [
        "import { createRequire as __batonCreateRequire } from 'node:module';",
        `const require = __batonCreateRequire(${JSON.stringify(pathToFileURL(path).href)});`,
        `const __filename = ${JSON.stringify(path)};`,
        `const __dirname = ${JSON.stringify(dirname(path))};`,
      ].join('\n'),
    },
  });
  try {
    return (await import(pathToFileURL(output).href)) as { default?: unknown };
  } finally {
    await rm(output, { force: true });
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}
