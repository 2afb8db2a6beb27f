import { describe, expect, it } from 'vitest';
import type { Agent } from '../agent.js';
import { confidenceVerifier } from '../confidence-verifier.js';
import { RunScope } from '../run-scope.js';
import type { Selector } from '../selector.js';
import { createTeam } from '../team.js';
import { fakeAgent } from '../testing/fake-agent.js';
import { describeStrategyContract } from '../testing/strategy-contract.js';
import type { DelegateProfile } from './delegate-profile.js';
import { measuredSelector } from './measured-selector.js';
import { profileFixture, seededUniform } from './profile.fixture.js';
import type { RequestDescriber } from './request-describer.js';
import { routeMeasured } from './route-measured.js';

function agents() {
  return {
    front: fakeAgent({
      card: { id: 'front', name: 'Front desk', description: 'Greets customers', domains: ['general'] },
      reply: 'Front desk answer.',
    }),
    billing: fakeAgent({
      card: { id: 'billing', name: 'Billing', description: 'Invoices and refunds', domains: ['billing'] },
      reply: { text: 'Billing answer.', confidence: 0.9 },
    }),
    billingPro: fakeAgent({
      card: {
        id: 'billing-pro',
        name: 'Billing pro',
        description: 'Invoices and refunds, premium',
        domains: ['billing'],
        cost: { usdPerCall: 0.05 },
      },
      reply: { text: 'Billing pro answer.', confidence: 0.9 },
    }),
    admin: fakeAgent({
      card: { id: 'admin', name: 'Admin', description: 'Internal admin', domains: ['billing'] },
      reply: 'admin was reached',
    }),
  };
}

/** Every request about invoices is billing; everything else is unknown. */
const describeByKeyword: RequestDescriber = (request) => ({
  ...(/invoice|refund/i.test(request.text) ? { domains: [{ value: 'billing', probability: 1 }] } : {}),
  ...(/lawyer/i.test(request.text) ? { domains: [{ value: 'legal', probability: 1 }] } : {}),
  human: /complaint to the ombudsman/i.test(request.text) ? 0.8 : 0.05,
});

function teamWith(
  profile: DelegateProfile,
  options: Partial<Parameters<typeof routeMeasured>[0]> = {},
  budget = {},
) {
  const roster = agents();
  const team = createTeam({
    front: roster.front,
    delegates: [roster.billing, roster.billingPro, roster.admin] as Agent[],
    allow: { front: ['billing', 'billing-pro'] },
    strategy: routeMeasured({ profile, describe: describeByKeyword, ...options }),
    limits: { budget },
  });
  return { team, roster };
}

const measuredBilling = profileFixture({
  front: { overall: [40, 0.05], slices: { 'domain:billing': [20, 0.02] } },
  billing: { overall: [40, 0.2], slices: { 'domain:billing': [30, 0.25] } },
  'billing-pro': { overall: [40, 0.3], slices: { 'domain:billing': [30, 0.5] } },
  admin: { overall: [40, 0.9], slices: { 'domain:billing': [30, 0.95] } },
});

describe('routeMeasured', () => {
  it('delegates to the agent measured best on the request’s slice and records the entries that decided', async () => {
    const { team } = teamWith(measuredBilling);
    const result = await team.respond({ message: 'Why is my invoice wrong?', history: [] });
    expect(result.respondedBy).toEqual(['billing-pro']);
    const record = result.delegations[0]!;
    expect(record.chosenAgentId).toBe('billing-pro');
    expect(record.candidates.map((candidate) => candidate.agentId)).toEqual(['billing-pro', 'billing']);
    expect(record.candidates[0]!.profile).toMatchObject({
      overall: { n: 40, mean: 0.3 },
      slices: [
        { dimension: 'language', value: 'en', probability: 1, n: 0, mean: null },
        { dimension: 'domain', value: 'billing', probability: 1, n: 30, mean: 0.5 },
      ],
      costUsd: { value: 0.05, source: 'card' },
    });
    expect(record.reason).toMatch(/best measured: billing-pro .*domain billing n=30/);
  });

  it('falls back to the overall means on a slice nobody was measured on, and to priors for unmeasured agents', async () => {
    const { team } = teamWith(measuredBilling);
    const result = await team.respond({ message: 'I need a lawyer', history: [] });
    const record = result.delegations[0]!;
    expect(record.chosenAgentId).toBe('billing-pro');
    const evidence = record.candidates[0]!.profile!;
    expect(evidence.slices).toMatchObject([
      { value: 'en', n: 0, mean: null },
      { value: 'legal', n: 0, mean: null },
    ]);
    // (40·0.3 + 10·μ₀) / 50 with μ₀ the pooled mean of all four agents.
    const pooled = (0.05 + 0.2 + 0.3 + 0.9) / 4;
    expect(evidence.expectedQuality).toBeCloseTo((40 * 0.3 + 10 * pooled) / 50, 2);

    const unmeasured = profileFixture({ front: { overall: [10, 0.1] }, billing: { overall: [10, 0.3] } });
    const selection = await measuredSelector({ profile: unmeasured }).select(
      {
        text: 'invoice',
        language: 'en',
        turn: { message: 'invoice', history: [] },
        front: agents().front,
        candidates: [agents().billingPro],
      },
      new RunScope(),
    );
    expect(selection.candidates[0]!.profile).toMatchObject({
      overall: { n: 0, mean: null, estimate: 0.2 },
      costUsd: { value: 0.05, source: 'card' },
      latencyMs: { value: null, source: 'none' },
    });
  });

  it('trades quality against cost by the weights', async () => {
    const costly = profileFixture({
      front: { overall: [40, 0.05] },
      billing: { overall: [40, 0.2, { costUsd: 0 }], slices: { 'domain:billing': [30, 0.25] } },
      'billing-pro': { overall: [40, 0.3, { costUsd: 0.02 }], slices: { 'domain:billing': [30, 0.5] } },
    });
    const cheap = await teamWith(costly, { weights: { cost: 20 } }).team.respond({
      message: 'invoice?',
      history: [],
    });
    expect(cheap.delegations[0]!.chosenAgentId).toBe('billing');
    expect(cheap.delegations[0]!.candidates[1]!.profile).toMatchObject({
      costUsd: { value: 0.02, source: 'profile' },
    });
    const free = await teamWith(costly).team.respond({ message: 'invoice?', history: [] });
    expect(free.delegations[0]!.chosenAgentId).toBe('billing-pro');
  });

  it('never routes outside the allowlist, however well an agent was measured', async () => {
    const { team, roster } = teamWith(measuredBilling);
    const result = await team.respond({ message: 'invoice refund', history: [] });
    expect(roster.admin.inputs).toHaveLength(0);
    expect(result.delegations[0]!.candidates.map((candidate) => candidate.agentId)).not.toContain('admin');
  });

  it('ranks only the shortlist of another selector, which cannot widen the allowlist', async () => {
    const proposer: Selector = {
      name: 'fixed',
      select: () => ({
        candidates: [
          { agentId: 'admin', score: 0.9 },
          { agentId: 'billing', score: 0.8 },
          { agentId: 'billing-pro', score: 0.7 },
        ],
      }),
    };
    const { team, roster } = teamWith(measuredBilling, { shortlist: { selector: proposer, size: 2 } });
    const result = await team.respond({ message: 'Why is my invoice wrong?', history: [] });
    const record = result.delegations[0]!;
    expect(record.chosenAgentId).toBe('billing');
    expect(record.candidates.map((candidate) => candidate.agentId)).toEqual(['billing']);
    expect(record.reason).toMatch(/shortlist \(fixed\): billing/);
    expect(roster.admin.inputs).toHaveLength(0);
  });

  it('drops candidates whose expected cost does not fit the turn’s budget', async () => {
    const costly = profileFixture({
      front: { overall: [40, 0.05] },
      billing: { overall: [40, 0.2, { costUsd: 0.001 }], slices: { 'domain:billing': [30, 0.25] } },
      'billing-pro': { overall: [40, 0.3, { costUsd: 0.05 }], slices: { 'domain:billing': [30, 0.5] } },
    });
    const { team, roster } = teamWith(costly, {}, { costUsd: 0.01 });
    const result = await team.respond({ message: 'invoice?', history: [] });
    expect(result.delegations[0]!.chosenAgentId).toBe('billing');
    expect(result.delegations[0]!.reason).toMatch(
      /over budget: billing-pro \(expected \$0\.0500 > \$0\.0100 left\)/,
    );
    expect(roster.billingPro.inputs).toHaveLength(0);
  });

  it('drops candidates whose expected latency does not fit before the deadline', async () => {
    const slow = profileFixture({
      billing: { overall: [40, 0.2, { latencyMs: 200 }] },
      'billing-pro': { overall: [40, 0.3, { latencyMs: 2_000 }] },
    });
    const roster = agents();
    const select = measuredSelector({ profile: slow, now: () => 9_000 });
    const request = {
      text: 'invoice',
      language: 'en',
      turn: { message: 'invoice', history: [] },
      front: roster.front,
      candidates: [roster.billing, roster.billingPro],
    };
    const selection = await select.select(request, new RunScope({ deadline: 10_000 }));
    expect(selection.candidates.map((candidate) => candidate.agentId)).toEqual(['billing']);
    expect(selection.reason).toMatch(/billing-pro \(expected 2000 ms > 1000 ms left\)/);
  });

  it('lets the front agent answer when it was measured better, and escalates when a human is probably needed', async () => {
    const frontBest = profileFixture({
      front: { overall: [40, 0.4] },
      billing: { overall: [40, 0.1] },
      'billing-pro': { overall: [40, 0.1] },
    });
    const { team } = teamWith(frontBest);
    const self = await team.respond({ message: 'hello there', history: [] });
    expect(self.respondedBy).toEqual(['front']);
    expect(self.delegations).toEqual([]);
    const human = await team.respond({ message: 'I will file a complaint to the ombudsman', history: [] });
    expect(human.outcome).toBe('escalated');
  });

  it('answers itself when the profile is empty: there is no evidence that delegating helps', async () => {
    const { team } = teamWith(profileFixture({}));
    const result = await team.respond({ message: 'invoice?', history: [] });
    expect(result.respondedBy).toEqual(['front']);
  });
});

describe('routeMeasured exploration', () => {
  // billing is measured a little better, but the verifier rejects everything it says online.
  const close = profileFixture({
    front: { overall: [40, 0.01] },
    billing: { overall: [5, 0.55], slices: { 'domain:billing': [5, 0.55] } },
    'billing-pro': { overall: [5, 0.5], slices: { 'domain:billing': [5, 0.5] } },
  });
  const run = async (explore: boolean, seed = 3) => {
    const roster = agents();
    const rejected = fakeAgent({
      card: { id: 'billing', name: 'Billing', description: 'Invoices', domains: ['billing'] },
      reply: { text: 'Unsure.', confidence: 0.1 },
    });
    const strategy = routeMeasured({
      profile: close,
      describe: describeByKeyword,
      verify: [confidenceVerifier({ min: 0.5 })],
      ...(explore ? { explore: { random: seededUniform(seed) } } : {}),
    });
    const team = createTeam({
      front: roster.front,
      delegates: [rejected, roster.billingPro] as Agent[],
      strategy,
    });
    const chosen: (string | null)[] = [];
    for (let turn = 0; turn < 40; turn += 1) {
      const result = await team.respond({ message: 'invoice question', history: [] });
      chosen.push(result.delegations[0]?.chosenAgentId ?? null);
    }
    return { chosen, strategy };
  };

  it('only exploits without an exploration policy, and learns nothing', async () => {
    const { chosen, strategy } = await run(false);
    expect(new Set(chosen)).toEqual(new Set(['billing']));
    expect(strategy.index.quality('billing')).toEqual({ n: 5, mean: 0.55 });
  });

  it('samples deterministically from a seeded source and learns from verification outcomes', async () => {
    const first = await run(true);
    const second = await run(true);
    expect(second.chosen).toEqual(first.chosen);
    expect(new Set(first.chosen)).toEqual(new Set(['billing', 'billing-pro']));
    // Rejections pull billing's posterior down; acceptances pull billing-pro's up.
    const billing = first.strategy.index.quality('billing');
    const pro = first.strategy.index.quality('billing-pro');
    expect(billing.n + pro.n).toBe(5 + 5 + 40);
    expect(billing.mean!).toBeLessThan(0.55);
    expect(pro.mean!).toBeGreaterThan(0.5);
    expect(first.chosen.slice(-10).filter((agent) => agent === 'billing-pro').length).toBeGreaterThanOrEqual(
      8,
    );
  });
});

describe('route-measured', () => {
  const contractProfile = profileFixture({
    front: { overall: [20, 0.05] },
    billing: { overall: [20, 0.4] },
    technical: { overall: [20, 0.1] },
  });
  describeStrategyContract({ describe, expect, it }, 'route-measured', () =>
    routeMeasured({ profile: contractProfile }),
  );
});
