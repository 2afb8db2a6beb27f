import { defineConfig } from 'vitest/config';

// Tests run against the TypeScript sources of sibling packages (the `@baton/source` export
// condition), so `npm test` needs no build step.
export default defineConfig({
  resolve: { conditions: ['@baton/source'] },
  ssr: { resolve: { conditions: ['@baton/source'] } },
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    // No test asserts on elapsed time (their clocks are injected and advanced by hand), so these
    // limits only catch hangs. Generous, because a loaded 2-core machine runs the heavier tests
    // (real sockets, whole indexes) several times slower than an idle one.
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
