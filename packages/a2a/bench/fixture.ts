/*
 * The delegate both sides of the benchmark use: a retrieval agent over three billing articles.
 * Deterministic and offline, so the only difference between local and remote is the wire.
 */
import { type Agent, createRetrievalAgent } from '@baton/core';

export const billingCard = {
  id: 'billing',
  name: 'Billing',
  description: 'Invoices, refunds and payment methods.',
  domains: ['billing'],
  skills: [
    {
      id: 'refunds',
      name: 'Refunds',
      description: 'When a refund arrives and how it is paid.',
      examples: ['where is my refund', 'how long does a refund take'],
    },
  ],
};

export function billingAgent(): Agent {
  return createRetrievalAgent({
    card: billingCard,
    articles: [
      {
        id: 'refunds',
        title: 'Refunds',
        body: 'Refunds are paid to the original payment method. A refund takes five working days after we receive the return. You get an email when the refund leaves.',
        tags: ['refund'],
        language: 'en',
      },
      {
        id: 'invoices',
        title: 'Invoices',
        body: 'Invoices are in your account under Orders. Each invoice can be downloaded as a PDF. Company details can be added before checkout.',
        tags: ['invoice'],
        language: 'en',
      },
      {
        id: 'payment',
        title: 'Payment methods',
        body: 'We accept cards, bank transfer and PayPal. Bank transfers take up to three days to clear.',
        tags: ['payment'],
        language: 'en',
      },
    ],
  });
}
