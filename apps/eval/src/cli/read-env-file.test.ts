import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EvalError } from '../eval-error.js';
import { withEnvFile } from './read-env-file.js';

describe('withEnvFile', () => {
  let folder: string;
  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), 'baton-env-'));
    await writeFile(
      join(folder, '.env'),
      '# keys\nOPENAI_API_KEY=sk-from-file\nexport LANGFUSE_BASE_URL="http://localhost:3000"\nSET_ALREADY=file\n',
    );
  });
  afterAll(async () => {
    await rm(folder, { recursive: true, force: true });
  });

  it('adds the file’s variables under the ones already set, and leaves the environment alone', async () => {
    const env = { SET_ALREADY: 'process', PATH: '/bin' };
    const merged = await withEnvFile('.env', folder, env);
    expect(merged).toEqual({
      SET_ALREADY: 'process',
      PATH: '/bin',
      OPENAI_API_KEY: 'sk-from-file',
      LANGFUSE_BASE_URL: 'http://localhost:3000',
    });
    expect(env).toEqual({ SET_ALREADY: 'process', PATH: '/bin' });
  });

  it('is a usage error when the file is missing', async () => {
    const error = await withEnvFile('missing.env', folder, {}).catch((caught: unknown) => caught);
    expect(EvalError.isInstance(error) && error.code).toBe('usage');
    expect((error as Error).message).toBe('--env-file missing.env: no such file.');
  });
});
