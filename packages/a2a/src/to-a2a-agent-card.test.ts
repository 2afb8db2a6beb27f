import { defineCapabilityCard } from '@baton/core';
import { describe, expect, it } from 'vitest';
import { parseAgentCard } from './resolve-agent-card.js';
import { toA2aAgentCard } from './to-a2a-agent-card.js';
import { toCapabilityCard } from './to-capability-card.js';

describe('toA2aAgentCard and toCapabilityCard', () => {
  it('round-trip what a delegator selects on: name, description, skills, domains, languages', () => {
    const card = defineCapabilityCard({
      id: 'orders',
      name: 'Orders',
      description: 'Shipping and returns.',
      domains: ['orders', 'returns'],
      languages: ['en', 'de'],
      skills: [
        {
          id: 'track',
          name: 'Tracking',
          description: 'Where a parcel is.',
          examples: ['where is my parcel'],
          tags: ['parcel'],
        },
      ],
      clearance: { pii: true },
      cost: { tier: 'low' },
    });
    const published = JSON.parse(JSON.stringify(toA2aAgentCard(card, { url: 'http://127.0.0.1:1/' })));
    expect(published.skills[0].tags).toEqual([
      'parcel',
      'domain:orders',
      'domain:returns',
      'lang:en',
      'lang:de',
    ]);
    const back = toCapabilityCard(parseAgentCard(published));
    // Clearance and cost are the delegator's judgement: they do not travel.
    expect(back).toEqual({ ...card, clearance: { pii: false }, cost: undefined, version: '0.0.0' });
  });

  it('publishes a card without skills as one skill, so its domains still travel', () => {
    const card = defineCapabilityCard({
      id: 'desk',
      name: 'Desk',
      description: 'Front desk.',
      domains: ['general'],
    });
    const back = toCapabilityCard(
      parseAgentCard(JSON.parse(JSON.stringify(toA2aAgentCard(card, { url: 'http://h/' })))),
    );
    expect([back.domains, back.skills.map((skill) => skill.id)]).toEqual([['general'], ['desk']]);
  });
});
