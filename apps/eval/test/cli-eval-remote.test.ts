import { cp, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { type A2aServer, serveA2a } from '@baton/a2a';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildAgents } from '../src/build-agents.js';
import { loadSuite } from '../src/dataset/load-suite.js';
import type { ItemResult } from '../src/item-result.js';
import { readRunFolder } from './read-run-folder.js';
import { type BatonOutcome, e2eSuite, makeTempFolder, runBaton } from './run-baton.js';

// The fixture suite twice: once as written, once with its two specialists deployed as A2A services
// (the same retrieval agents, served on loopback) and named in suite.json only by their URL.
const flags = [
  '--strategies',
  'route-lexical,verify-recover',
  '--resamples',
  '200',
  '--concurrency',
  '4',
  '--no-progress',
];

const answers = (items: ItemResult[]) =>
  Object.fromEntries(items.map((item) => [`${item.strategy} ${item.itemId}`, item.answer]));

describe('baton eval with remote delegates ({ "a2a": url } in suite.json)', () => {
  let temp: Awaited<ReturnType<typeof makeTempFolder>>;
  const servers: A2aServer[] = [];
  let local: BatonOutcome;
  let remote: BatonOutcome;

  beforeAll(async () => {
    temp = await makeTempFolder();
    const suite = await loadSuite(e2eSuite);
    const agents = await buildAgents(suite, { mode: 'retrieval' });
    for (const delegate of agents.delegates) servers.push(await serveA2a(delegate));

    const folder = join(temp.path, 'suite');
    await cp(dirname(e2eSuite), folder, { recursive: true });
    const config = JSON.parse(await readFile(e2eSuite, 'utf8')) as { agents: { card: { id: string } }[] };
    config.agents = config.agents.map((agent) => {
      const index = agents.delegates.findIndex((delegate) => delegate.id === agent.card.id);
      return index === -1 ? agent : { a2a: servers[index]!.url, id: agent.card.id };
    }) as typeof config.agents;
    await writeFile(join(folder, 'suite.json'), JSON.stringify(config, null, 2));

    local = await runBaton(['eval', '--suite', e2eSuite, ...flags, '--out', 'local'], { cwd: temp.path });
    remote = await runBaton(['eval', '--suite', join(folder, 'suite.json'), ...flags, '--out', 'remote'], {
      cwd: temp.path,
    });
  }, 120_000);

  afterAll(async () => {
    await Promise.all(servers.map((server) => server.close()));
    await temp.remove();
  });

  it('runs to the end and gives the same answers as the same delegates in-process', async () => {
    expect([local.code, remote.code]).toEqual([0, 0]);
    const [localRun, remoteRun] = await Promise.all([
      readRunFolder(join(temp.path, 'local')),
      readRunFolder(join(temp.path, 'remote')),
    ]);
    expect(remoteRun.items.length).toBeGreaterThan(0);
    expect(answers(remoteRun.items)).toEqual(answers(localRun.items));
    expect(remoteRun.items.filter((item) => item.outcome === 'error')).toEqual([]);
  });

  it('records every delegate attempt as remote, with the URL and the remote task id', async () => {
    const { items } = await readRunFolder(join(temp.path, 'remote'));
    const attempts = items.flatMap((item) => item.delegations.flatMap((delegation) => delegation.attempts));
    const delegated = attempts.filter((attempt) => attempt.agentId !== 'desk');
    expect(delegated.length).toBeGreaterThan(0);
    const urls = new Set(servers.map((server) => server.url));
    for (const attempt of delegated) {
      expect(attempt.remote).toMatchObject({ protocol: 'a2a', taskId: expect.any(String) });
      expect(urls.has(attempt.remote?.url ?? '')).toBe(true);
    }
  });

  it('knows a deployed agent without an id by its URL, and names an unreachable one', async () => {
    const folder = join(temp.path, 'unreachable');
    await cp(dirname(e2eSuite), folder, { recursive: true });
    const config = JSON.parse(await readFile(e2eSuite, 'utf8')) as { agents: unknown[] };
    config.agents.push({ a2a: 'http://127.0.0.1:9/' });
    await writeFile(join(folder, 'suite.json'), JSON.stringify(config));
    const suite = await loadSuite(join(folder, 'suite.json'));
    expect(suite.agents.at(-1)).toMatchObject({
      kind: 'a2a',
      a2a: 'http://127.0.0.1:9/',
      card: { id: '127.0.0.1-9' },
    });
    expect(suite.allow.desk).toContain('127.0.0.1-9');
    const outcome = await runBaton(['eval', '--suite', join(folder, 'suite.json'), ...flags, '--out', 'x'], {
      cwd: temp.path,
    });
    expect(outcome.code).toBe(2);
    expect(outcome.stderr).toContain(
      'agents[3]: Could not fetch the agent card at http://127.0.0.1:9/.well-known/agent-card.json',
    );
  });
});
