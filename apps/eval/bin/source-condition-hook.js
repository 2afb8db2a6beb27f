// A module resolution hook that adds the `@baton/source` export condition, so that inside the
// repository the workspace packages resolve to their TypeScript sources (see bin/baton.js).
export async function resolve(specifier, context, nextResolve) {
  const conditions = context.conditions.includes('@baton/source')
    ? context.conditions
    : [...context.conditions, '@baton/source'];
  return nextResolve(specifier, { ...context, conditions });
}
