import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeItem } from '../summary/example-items.fixture.js';
import { buildDelegateProfile } from './build-profile.js';
import { readDelegateProfile } from './read-profile.js';

describe('readDelegateProfile', () => {
  let folder: string;
  const profile = buildDelegateProfile(
    [makeItem({ strategy: 'explore-1', conversationId: 'c1', turnIndex: 0, scores: { answerQuality: 0.5 } })],
    { seed: 1, resamples: 100, runs: ['r'], quality: 'q', split: 'train' },
  );

  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), 'baton-profile-'));
  });
  afterAll(async () => {
    await rm(folder, { recursive: true, force: true });
  });

  it('reads a profile back as it was written', async () => {
    const file = join(folder, 'ok.json');
    await writeFile(file, JSON.stringify(profile));
    expect(await readDelegateProfile(file)).toEqual(profile);
  });

  it('refuses a file that is not a profile, naming the field', async () => {
    const file = join(folder, 'bad.json');
    await writeFile(file, JSON.stringify({ ...profile, version: 2 }));
    await expect(readDelegateProfile(file)).rejects.toMatchObject({
      code: 'invalid-input',
      message: expect.stringMatching(/bad\.json: not a delegate profile: .*version/),
    });
    await writeFile(file, '{');
    await expect(readDelegateProfile(file)).rejects.toMatchObject({ code: 'invalid-input' });
    await expect(readDelegateProfile(join(folder, 'missing.json'))).rejects.toMatchObject({
      code: 'not-found',
    });
  });

  it('refuses a profile whose conversation list was edited (it no longer matches its digest)', async () => {
    const file = join(folder, 'edited.json');
    await writeFile(file, JSON.stringify({ ...profile, source: { ...profile.source, conversations: [] } }));
    await expect(readDelegateProfile(file)).rejects.toMatchObject({
      code: 'invalid-input',
      message: expect.stringContaining('does not match source.digest'),
    });
  });
});
