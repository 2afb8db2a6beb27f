import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DatasetError } from '../eval-error.js';
import { loadSuite } from './load-suite.js';

const fixture = fileURLToPath(new URL('../../test/fixtures/datasets/mini-suite/', import.meta.url));
const suiteFile = join(fixture, 'suite.json');

let folder: string;
let original: Record<string, unknown>;
let variantCount = 0;

beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), 'baton-suite-'));
  original = JSON.parse(await readFile(suiteFile, 'utf8')) as Record<string, unknown>;
});

afterAll(async () => {
  await rm(folder, { recursive: true, force: true });
});

/** Writes a changed copy of the fixture suite whose paths point back at the fixture. */
async function variant(change: (suite: Record<string, unknown>) => void): Promise<string> {
  const suite = structuredClone(original);
  for (const key of ['conversations', 'split', 'knowledge'] as const)
    suite[key] = join(fixture, String(suite[key]));
  change(suite);
  variantCount += 1;
  const file = join(folder, `suite-${variantCount}.json`);
  await writeFile(file, JSON.stringify(suite, null, 2));
  return file;
}

async function loadError(file: string): Promise<DatasetError> {
  try {
    await loadSuite(file);
  } catch (error) {
    return error as DatasetError;
  }
  throw new Error('expected loadSuite to fail');
}

const agents = (suite: Record<string, unknown>) => suite.agents as Array<Record<string, unknown>>;

describe('loadSuite', () => {
  it('loads a suite with paths resolved against the suite file and cards validated', async () => {
    const suite = await loadSuite(suiteFile);
    expect(suite.conversations).toBe(join(fixture, 'conversations'));
    expect(suite.split).toBe(join(fixture, 'split.json'));
    expect(suite.knowledgeBases).toEqual({
      billing: join(fixture, 'knowledge', 'billing'),
      general: join(fixture, 'knowledge', 'general'),
    });
    expect(suite.front).toBe('desk');
    expect(suite.agents.map((agent) => agent.card.id)).toEqual(['desk', 'billing', 'helper']);
    // Core's card defaults are applied.
    expect(suite.agents[0]?.card).toMatchObject({ languages: ['en'], clearance: { pii: false }, skills: [] });
    expect(suite.agents[1]?.card.skills[0]?.tags).toEqual([]);
  });

  it('lets the front agent delegate to every other agent by default', async () => {
    expect((await loadSuite(suiteFile)).allow).toEqual({ desk: ['billing', 'helper'] });
  });

  it('names the field of a schema error, including inside a capability card', async () => {
    const file = await variant((suite) => {
      agents(suite)[1]!.card = { id: 'billing', name: 'Billing', description: 'x', languages: 'en' };
    });
    const error = await loadError(file);
    expect(error.code).toBe('invalid-config');
    expect(error.message).toBe(`${file}: agents[1].card.languages: expected an array, got a string ("en")`);
  });

  it('rejects unknown top-level keys, which are usually typos', async () => {
    const file = await variant((suite) => {
      suite.knowlege = 'knowledge';
    });
    expect((await loadError(file)).message).toBe(`${file}: unknown key "knowlege"`);
  });

  it('rejects duplicate agent ids', async () => {
    const file = await variant((suite) => {
      (agents(suite)[2]!.card as Record<string, unknown>).id = 'billing';
    });
    expect((await loadError(file)).message).toBe(
      `${file}: agents[2].card.id: duplicate agent id "billing" (also agents[1])`,
    );
  });

  it('rejects a front agent or allowlist entry that is not an agent', async () => {
    const front = await variant((suite) => {
      suite.front = 'reception';
    });
    expect((await loadError(front)).message).toBe(
      `${front}: front: no agent with id "reception" (agents: desk, billing, helper)`,
    );
    const allow = await variant((suite) => {
      suite.allow = { desk: ['billing', 'legal'] };
    });
    expect((await loadError(allow)).message).toBe(
      `${allow}: allow.desk[1]: no agent with id "legal" (agents: desk, billing, helper)`,
    );
  });

  it('rejects a knowledge base that does not exist and a retrieval agent without one', async () => {
    const missing = await variant((suite) => {
      agents(suite)[1]!.knowledge = ['billing', 'bills'];
    });
    expect((await loadError(missing)).message).toBe(
      `${missing}: agents[1].knowledge[1]: no knowledge base "bills" in ${join(fixture, 'knowledge')} (knowledge bases: billing, general)`,
    );
    const none = await variant((suite) => {
      agents(suite)[0]!.knowledge = [];
    });
    expect((await loadError(none)).field).toBe('agents[0].knowledge');
  });

  it('rejects missing conversation and split paths', async () => {
    const file = await variant((suite) => {
      suite.split = join(fixture, 'nope.json');
    });
    expect((await loadError(file)).message).toBe(
      `${file}: split: no such file or folder "${join(fixture, 'nope.json')}"`,
    );
  });

  it('names the line of invalid JSON', async () => {
    const file = join(folder, 'broken.json');
    await writeFile(file, '{\n  "name": "x",\n  "front": "desk",\n}\n');
    const error = await loadError(file);
    expect(DatasetError.isInstance(error)).toBe(true);
    expect(error.line).toBe(4);
    expect(error.message).toMatch(/: invalid JSON: /);
  });
});
