import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Plugin } from 'esbuild';
import type { EvalConfig } from '../eval-config.js';
import { EvalError } from '../eval-error.js';

const defaultNames = ['eval.config.ts', 'eval.config.mts', 'eval.config.js', 'eval.config.mjs'];

/**
 * The config file a run reads: the one `--config` names, else the first of `eval.config.ts`,
 * `.mts`, `.js`, `.mjs` in `cwd`; `undefined` when there is none.
 */
export function configFileOf(cwd: string, file?: string): string | undefined {
  return file
    ? resolve(cwd, file)
    : defaultNames.map((name) => resolve(cwd, name)).find((candidate) => existsSync(candidate));
}

/**
 * Loads `eval.config.ts` (or the file named by `--config`): TypeScript is imported through tsx, so
 * users need no build step. No file and no `--config`: an empty config (and tsx is never loaded).
 */
export async function loadConfigFile(cwd: string, file?: string): Promise<EvalConfig> {
  const path = configFileOf(cwd, file);
  if (!path) return {};
  if (!existsSync(path)) throw new EvalError('usage', `--config ${file}: no such file.`);
  let loaded: { default?: unknown };
  try {
    loaded =
      (isCommonJsScoped(path) ? await importAsModule(path) : undefined) ??
      ((await (await import('tsx/esm/api')).tsImport(pathToFileURL(path).href, import.meta.url)) as {
        default?: unknown;
      });
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

/**
 * Loads a CommonJS-scoped config as an ES module, or returns `undefined` when the module cannot be
 * written beside it (a read-only project: tsx alone loads it then, as before). Compiled to CommonJS
 * (what tsx does for such a file), its imports become `require` calls, and `require` cannot load
 * ESM-only packages that Baton's own packages import (`eld` exports an `import` condition only).
 * As Vite does with its config: bundle the config and the local files it imports into one ES
 * module (packages stay imports), give every bundled file its own `__dirname`, `__filename` and
 * `import.meta.url` and the bundle a `require`, write it beside the config (so that packages
 * resolve from the project), import it and remove it.
 *
 * A limit of loading as ESM: a named import from a CommonJS package whose exports Node cannot see
 * statically (`module.exports = make()`) fails; import its default instead.
 */
async function importAsModule(path: string): Promise<{ default?: unknown } | undefined> {
  // Loaded here, not at start-up: most runs have no config file, and esbuild and tsx together cost
  // every `baton` command about 0.1 s and 35 MB otherwise.
  const { build } = await import('esbuild');
  const built = await build({
    entryPoints: [path],
    write: false,
    outfile: path.replace(/\.[^.]+$/, '.mjs'),
    bundle: true,
    packages: 'external',
    format: 'esm',
    platform: 'node',
    target: 'node20',
    sourcemap: 'inline',
    logLevel: 'silent',
    define: {
      __dirname: '__baton_dirname',
      __filename: '__baton_filename',
      'import.meta.url': '__baton_import_meta_url',
    },
    banner: {
      js: [
        "import { createRequire as __batonCreateRequire } from 'node:module';",
        `const require = __batonCreateRequire(${JSON.stringify(pathToFileURL(path).href)});`,
      ].join('\n'),
    },
    plugins: [fileScope],
  });
  const code = built.outputFiles.find((file) => file.path.endsWith('.mjs'))?.text;
  if (code === undefined) throw new Error('esbuild produced no module for the config.');
  const output = join(dirname(path), `.${basename(path)}.${randomUUID()}.baton.mjs`);
  try {
    await writeFile(output, code);
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code;
    if (reason === 'EACCES' || reason === 'EPERM' || reason === 'EROFS') return undefined;
    throw error;
  }
  try {
    return (await import(pathToFileURL(output).href)) as { default?: unknown };
  } finally {
    await rm(output, { force: true });
  }
}

const loaders = { '.ts': 'ts', '.mts': 'ts', '.cts': 'ts', '.tsx': 'tsx', '.jsx': 'jsx' } as const;

/**
 * Gives each bundled local file the `__dirname`, `__filename` and `import.meta.url` of its own
 * place (the bundle's `define` points those names at these constants), so that a helper reading a
 * fixture next to itself still finds it.
 */
const fileScope: Plugin = {
  name: 'baton-file-scope',
  setup(builder) {
    builder.onLoad({ filter: /\.[cm]?[jt]sx?$/ }, async ({ path }) => {
      const source = await readFile(path, 'utf8');
      const scope = `const __baton_dirname = ${JSON.stringify(dirname(path))}, __baton_filename = ${JSON.stringify(path)}, __baton_import_meta_url = ${JSON.stringify(pathToFileURL(path).href)};`;
      // A hashbang must stay the first line.
      const hashbang = /^#!.*\n/.exec(source)?.[0] ?? '';
      return {
        contents: `${hashbang}${scope}${source.slice(hashbang.length)}`,
        loader: loaders[extname(path) as keyof typeof loaders] ?? 'js',
      };
    });
  },
};

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}
