import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfigFile } from './load-config-file.js';

describe('loadConfigFile in a CommonJS project', () => {
  let folder: string;
  beforeEach(async () => {
    folder = await mkdtemp(join(tmpdir(), 'baton-config-'));
    await writeFile(join(folder, 'package.json'), '{ "name": "support-bot" }\n');
    await mkdir(join(folder, 'lib'));
    await writeFile(
      join(folder, 'lib', 'where.ts'),
      'export const where = (): string[] => [__dirname, __filename, import.meta.url];\n',
    );
  });
  afterEach(async () => {
    await rm(folder, { recursive: true, force: true });
  });

  it('gives the config and each local file it imports their own __dirname, __filename and import.meta.url, and leaves no file behind', async () => {
    await writeFile(
      join(folder, 'eval.config.ts'),
      `#!/usr/bin/env node
import { where } from './lib/where';
const __dirname = 'declared by the config';
export default { tags: [...where(), __dirname, __filename, typeof require] };
`,
    );
    const config = (await loadConfigFile(folder)) as { tags?: string[] };
    const helper = join(folder, 'lib', 'where.ts');
    expect(config.tags).toEqual([
      join(folder, 'lib'),
      helper,
      pathToFileURL(helper).href,
      'declared by the config',
      join(folder, 'eval.config.ts'),
      'function',
    ]);
    expect((await readdir(folder)).sort()).toEqual(['eval.config.ts', 'lib', 'package.json']);
  });

  it('reads module.exports as the default export', async () => {
    await writeFile(join(folder, 'eval.config.js'), "module.exports = { strategies: ['solo'] };\n");
    expect(await loadConfigFile(folder)).toEqual({ strategies: ['solo'] });
  });
});
