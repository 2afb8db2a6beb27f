import { defineConfig } from 'vitest/config';

// Tests run against the TypeScript sources of sibling packages (the `@baton/source` export
// condition), so `npm test` needs no build step.
export default defineConfig({
  resolve: { conditions: ['@baton/source'] },
  ssr: { resolve: { conditions: ['@baton/source'] } },
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    // The test/ folder runs whole evaluations through the CLI (loading eval.config.ts through tsx,
    // replaying suites): seconds each on a loaded 2-core CI machine. Not a timing assertion.
    testTimeout: 30_000,
    // Likewise for hooks that load the whole support corpus (test/corpus.test.ts computes its
    // statistics once for all its tests) or run a whole evaluation: a budget, not a timing assertion.
    hookTimeout: 60_000,
  },
});
