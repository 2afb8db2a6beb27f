/**
 * The assertions a contract suite makes, as a structural type that vitest's and Jest's `expect`
 * satisfy. Declared here rather than imported from a test framework, so that the published types of
 * `@baton/core/testing` name no test framework and compile in a project that has none.
 */
export interface ContractAssertion {
  toBe(expected: unknown): void;
  toEqual(expected: unknown): void;
  toContain(item: unknown): void;
  toBeTruthy(): void;
  toHaveLength(length: number): void;
  toBeGreaterThan(value: number): void;
  toBeGreaterThanOrEqual(value: number): void;
  readonly not: ContractAssertion;
  readonly rejects: { toMatchObject(expected: object): PromiseLike<unknown> };
}

/**
 * The test functions a contract suite registers with: pass your runner's own, e.g.
 * `{ describe, expect, it }` from `vitest`.
 */
export interface ContractTestApi {
  describe(name: string, body: () => void): unknown;
  it(name: string, body: () => Promise<void> | void): unknown;
  expect(actual: unknown, message?: string): ContractAssertion;
}
