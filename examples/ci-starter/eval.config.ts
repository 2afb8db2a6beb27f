import { defineConfig, type Scorer } from '@baton/eval';

// A scorer of your own. Its numbers are summarised, compared with the baseline and gated like the
// built-in metrics: `--fail-under brevity=0.8` in .github/workflows/baton.yml.
const brevity: Scorer = {
  specificationVersion: 'v1',
  name: 'brevity',
  description: 'at most 60 words (1) or longer (0): chat answers should be short',
  // A turn the strategy failed or escalated is no short answer: it counts as 0 rather than being
  // left out of the mean.
  noAnswer: 0,
  score: ({ answer }) => ({ value: answer.split(/\s+/).filter(Boolean).length <= 60 ? 1 : 0 }),
};

export default defineConfig({
  suite: 'evals/suite.json',
  // Three conversations are too few to hold some back for training: evaluate them all (the trained
  // router then learns from the capability cards' examples). Grow the suite, then use a split.
  split: 'all',
  strategies: ['solo', 'route-lexical', 'verify-recover'],
  baseline: 'solo',
  scorers: [brevity],
});
