import { describe, expect, it } from 'vitest';
import { defineCapabilityCard, fromA2AAgentCard } from './capability-card.js';

describe('capability cards', () => {
  it('fills in defaults and keeps PII clearance off unless granted', () => {
    const card = defineCapabilityCard({ id: 'billing', name: 'Billing', description: 'Invoices' });
    expect(card).toMatchObject({
      skills: [],
      domains: [],
      languages: ['en'],
      tools: [],
      clearance: { pii: false },
    });
  });

  it('rejects an id with spaces, naming the field', () => {
    expect(() => defineCapabilityCard({ id: 'bad id', name: 'x', description: 'x' })).toThrow(/id/);
  });

  it('turns an A2A agent card into a capability card, taking domains and languages from tags', () => {
    const card = fromA2AAgentCard({
      name: 'Soporte Facturación',
      description: 'Facturas y reembolsos',
      url: 'https://agents.example.com/billing-es',
      version: '1.2.0',
      capabilities: { streaming: true },
      skills: [
        {
          id: 'refunds',
          name: 'Reembolsos',
          description: 'Reembolsos de planes',
          tags: ['domain:billing', 'lang:es', 'refund'],
          examples: ['quiero un reembolso'],
        },
      ],
    });
    expect(card).toMatchObject({
      id: 'soporte-facturacion',
      domains: ['billing'],
      languages: ['es'],
      version: '1.2.0',
      skills: [{ id: 'refunds', tags: ['refund'], examples: ['quiero un reembolso'] }],
    });
  });
});
