import { describe, expect, it } from 'vitest';
import { failureLadder } from './failure-ladder.js';
import { handoff } from './handoff.js';
import { parallel } from './parallel.js';
import { routeLexical } from './route-lexical.js';
import { routeLlm } from './route-llm.js';
import { routeTrained } from './route-trained.js';
import { solo } from './solo.js';
import { describeStrategyContract } from './testing/strategy-contract.js';
import { verifyRecover } from './verify-recover.js';

const examples = [
  { text: 'I was charged twice on my invoice', labels: ['billing'] },
  { text: 'refund the charge please', labels: ['billing'] },
  { text: 'the printer is not printing', labels: ['technical'] },
  { text: 'card reader will not pair', labels: ['technical'] },
  { text: 'hello there', labels: ['general'] },
];

describe('built-in strategies', () => {
  describeStrategyContract({ describe, expect, it }, 'solo', () => solo());
  describeStrategyContract({ describe, expect, it }, 'route-lexical', () => routeLexical());
  describeStrategyContract({ describe, expect, it }, 'route-trained', () => routeTrained({ examples }));
  describeStrategyContract({ describe, expect, it }, 'route-llm', ({ model }) => routeLlm({ model }));
  describeStrategyContract({ describe, expect, it }, 'handoff', () => handoff());
  describeStrategyContract({ describe, expect, it }, 'verify-recover', () =>
    verifyRecover({ ladder: failureLadder() }),
  );
  describeStrategyContract({ describe, expect, it }, 'parallel', () => parallel());
});
