import { describe, expect, it } from 'vitest';
import { breakTies } from './break-ties.js';
import { preferLanguage } from './selector.js';
import { fakeAgent } from './testing/fake-agent.js';

const agent = (
  id: string,
  cost?: { tier?: 'low' | 'medium' | 'high'; usdPerCall?: number },
  p50Ms?: number,
) =>
  fakeAgent({
    card: {
      id,
      name: id,
      description: id,
      ...(cost ? { cost } : {}),
      ...(p50Ms !== undefined ? { latency: { p50Ms } } : {}),
    },
  });

describe('breakTies', () => {
  const agents = new Map(
    [
      agent('premium', { tier: 'high' }),
      agent('basic', { tier: 'low' }),
      agent('pricey', { tier: 'low', usdPerCall: 0.05 }),
      agent('cheap', { tier: 'low', usdPerCall: 0.01 }, 900),
      agent('fast', { tier: 'low', usdPerCall: 0.01 }, 200),
      agent('unknown'),
    ].map((entry) => [entry.id, entry]),
  );

  it('orders equal scores by cost tier, then price per call, then median latency', () => {
    const ranked = breakTies(
      ['premium', 'unknown', 'pricey', 'cheap', 'fast', 'basic'].map((agentId) => ({ agentId, score: 0.5 })),
      agents,
    );
    expect(ranked.map((candidate) => candidate.agentId)).toEqual([
      'fast',
      'cheap',
      'pricey',
      'basic',
      'unknown',
      'premium',
    ]);
  });

  it('never lets cost beat a better score', () => {
    const ranked = breakTies(
      [
        { agentId: 'basic', score: 0.4 },
        { agentId: 'premium', score: 0.6 },
      ],
      agents,
    );
    expect(ranked[0]?.agentId).toBe('premium');
  });

  it('is applied by every selector through preferLanguage', () => {
    const ranked = preferLanguage(
      [
        { agentId: 'premium', score: 0.7 },
        { agentId: 'basic', score: 0.7 },
      ],
      agents,
      'en',
    );
    expect(ranked[0]?.agentId).toBe('basic');
  });
});
