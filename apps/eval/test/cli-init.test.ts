import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { starterTemplate } from '../src/cli/init-project.js';
import { makeTempFolder, runBaton } from './run-baton.js';

const examples = fileURLToPath(new URL('../../../examples/ci-starter/', import.meta.url));

/** Every file under a folder, relative, with its content. */
async function filesOf(root: string): Promise<Record<string, string>> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  const files: Record<string, string> = {};
  for (const entry of entries.filter((candidate) => candidate.isFile())) {
    const path = join(entry.parentPath, entry.name);
    files[relative(root, path)] = await readFile(path, 'utf8');
  }
  return files;
}

describe('baton init', { timeout: 60_000 }, () => {
  let temp: Awaited<ReturnType<typeof makeTempFolder>>;
  beforeEach(async () => {
    temp = await makeTempFolder();
  });
  afterEach(async () => {
    await temp.remove();
  });

  it('scaffolds the config, a three-conversation suite and the workflow: examples/ci-starter', async () => {
    const outcome = await runBaton(['init', 'project'], { cwd: temp.path });
    expect(outcome.code).toBe(0);
    const files = await filesOf(join(temp.path, 'project'));
    expect(Object.keys(files).sort()).toEqual([
      '.github/workflows/baton.yml',
      'eval.config.ts',
      'evals/README.md',
      'evals/conversations.jsonl',
      'evals/knowledge/billing/billing-refunds.md',
      'evals/knowledge/general/general-hours.md',
      'evals/knowledge/orders/orders-delivery.md',
      'evals/suite.json',
    ]);
    expect(files['evals/conversations.jsonl']!.trim().split('\n')).toHaveLength(3);
    expect(outcome.stderr).toContain('  created .github/workflows/baton.yml');
    // The repository's example is the very same starter.
    expect(await filesOf(examples)).toEqual(files);
    expect(await filesOf(starterTemplate)).toEqual(files);
  });

  it('exits 2 with one line where the folder cannot be written, and never spins (/proc, a file in the way)', async () => {
    await writeFile(join(temp.path, 'file.txt'), 'x');
    const underFile = await runBaton(['init', 'file.txt/project'], { cwd: temp.path });
    expect(underFile.code).toBe(2);
    expect(underFile.stderr.trim()).toBe(
      `baton: init ${join(temp.path, 'file.txt', 'project')}: cannot write the starter: a part of the path is a file, not a folder [ENOTDIR]`,
    );
    if (process.platform === 'linux') {
      // Node's mkdir({ recursive: true }) retries here forever at full CPU.
      const proc = await runBaton(['init', '/proc/baton-init'], { cwd: temp.path });
      expect(proc.code).toBe(2);
      expect(proc.stderr.trim()).toMatch(
        /^baton: init \/proc\/baton-init: cannot write the starter: .*\[ENOENT\]$/,
      );
    }
  });

  it('leaves existing files alone and exits 2, unless --force', async () => {
    await writeFile(join(temp.path, 'eval.config.ts'), '// mine\n');
    const refused = await runBaton(['init'], { cwd: temp.path });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/^baton: init: eval\.config\.ts already exists in .*; pass --force/);
    expect(await readFile(join(temp.path, 'eval.config.ts'), 'utf8')).toBe('// mine\n');
    const forced = await runBaton(['init', '--force'], { cwd: temp.path });
    expect(forced.code).toBe(0);
    expect(await readFile(join(temp.path, 'eval.config.ts'), 'utf8')).toContain('defineConfig');
  });
});
