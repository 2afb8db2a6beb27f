import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
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
    loaded = (await tsImport(pathToFileURL(path).href, import.meta.url)) as { default?: unknown };
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

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}
