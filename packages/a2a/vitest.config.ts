import { defineConfig } from 'vitest/config';

// Tests run against the TypeScript sources of sibling packages (the `@baton/source` export
// condition), so `npm test` needs no build step.
export default defineConfig({
  resolve: { conditions: ['@baton/source'] },
  ssr: { resolve: { conditions: ['@baton/source'] } },
  test: { include: ['src/**/*.test.ts', 'test/**/*.test.ts'] },
});
