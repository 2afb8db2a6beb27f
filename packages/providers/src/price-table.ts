/** What one model costs, in US dollars per million tokens. */
export interface ModelPrice {
  inputPerMillion: number;
  outputPerMillion: number;
  /** The price of input tokens served from the host's prompt cache; absent = same as input. */
  cachedInputPerMillion?: number;
}

/** Token counts that determine a call's cost. */
export interface BillableUsage {
  inputTokens: number;
  outputTokens: number;
  /** Input tokens the host served from its cache (a part of `inputTokens`). */
  cachedInputTokens?: number;
}

/**
 * List prices of common models, per million tokens, as the hosts published them in 2025. Prices
 * drift: check them before you rely on a cost, and override them with {@link createPriceTable}.
 * Keys are model ids as the host names them, optionally prefixed with a preset id
 * (`groq:llama-3.3-70b-versatile`) where the same name costs differently elsewhere.
 */
export const defaultPrices: Readonly<Record<string, ModelPrice>> = Object.freeze({
  // OpenAI
  'gpt-5': { inputPerMillion: 1.25, outputPerMillion: 10, cachedInputPerMillion: 0.125 },
  'gpt-5-mini': { inputPerMillion: 0.25, outputPerMillion: 2, cachedInputPerMillion: 0.025 },
  'gpt-5-nano': { inputPerMillion: 0.05, outputPerMillion: 0.4, cachedInputPerMillion: 0.005 },
  'gpt-4.1': { inputPerMillion: 2, outputPerMillion: 8, cachedInputPerMillion: 0.5 },
  'gpt-4.1-mini': { inputPerMillion: 0.4, outputPerMillion: 1.6, cachedInputPerMillion: 0.1 },
  'gpt-4.1-nano': { inputPerMillion: 0.1, outputPerMillion: 0.4, cachedInputPerMillion: 0.025 },
  'gpt-4o': { inputPerMillion: 2.5, outputPerMillion: 10, cachedInputPerMillion: 1.25 },
  'gpt-4o-mini': { inputPerMillion: 0.15, outputPerMillion: 0.6, cachedInputPerMillion: 0.075 },
  o3: { inputPerMillion: 2, outputPerMillion: 8, cachedInputPerMillion: 0.5 },
  'o4-mini': { inputPerMillion: 1.1, outputPerMillion: 4.4, cachedInputPerMillion: 0.275 },
  'text-embedding-3-small': { inputPerMillion: 0.02, outputPerMillion: 0 },
  'text-embedding-3-large': { inputPerMillion: 0.13, outputPerMillion: 0 },
  // Anthropic
  'claude-opus-4-1': { inputPerMillion: 15, outputPerMillion: 75, cachedInputPerMillion: 1.5 },
  'claude-sonnet-4-5': { inputPerMillion: 3, outputPerMillion: 15, cachedInputPerMillion: 0.3 },
  'claude-sonnet-4-0': { inputPerMillion: 3, outputPerMillion: 15, cachedInputPerMillion: 0.3 },
  'claude-haiku-4-5': { inputPerMillion: 1, outputPerMillion: 5, cachedInputPerMillion: 0.1 },
  // Google (prompts up to 200k tokens)
  'gemini-2.5-pro': { inputPerMillion: 1.25, outputPerMillion: 10 },
  'gemini-2.5-flash': { inputPerMillion: 0.3, outputPerMillion: 2.5 },
  'gemini-2.5-flash-lite': { inputPerMillion: 0.1, outputPerMillion: 0.4 },
  'gemini-2.0-flash': { inputPerMillion: 0.1, outputPerMillion: 0.4 },
  // xAI
  'grok-4': { inputPerMillion: 3, outputPerMillion: 15, cachedInputPerMillion: 0.75 },
  'grok-3-mini': { inputPerMillion: 0.3, outputPerMillion: 0.5, cachedInputPerMillion: 0.075 },
  // DeepSeek
  'deepseek-chat': { inputPerMillion: 0.28, outputPerMillion: 0.42, cachedInputPerMillion: 0.028 },
  'deepseek-reasoner': { inputPerMillion: 0.28, outputPerMillion: 0.42, cachedInputPerMillion: 0.028 },
  // Qwen (DashScope international)
  'qwen-max': { inputPerMillion: 1.6, outputPerMillion: 6.4 },
  'qwen-plus': { inputPerMillion: 0.4, outputPerMillion: 1.2 },
  'qwen-turbo': { inputPerMillion: 0.05, outputPerMillion: 0.2 },
  // GLM (Zhipu)
  'glm-4.6': { inputPerMillion: 0.6, outputPerMillion: 2.2, cachedInputPerMillion: 0.11 },
  'glm-4.5-air': { inputPerMillion: 0.2, outputPerMillion: 1.1, cachedInputPerMillion: 0.03 },
  // Groq
  'groq:llama-3.3-70b-versatile': { inputPerMillion: 0.59, outputPerMillion: 0.79 },
  'groq:llama-3.1-8b-instant': { inputPerMillion: 0.05, outputPerMillion: 0.08 },
});

/** Looks up prices and turns usage into dollars. */
export interface PriceTable {
  /**
   * The price of a model, trying each candidate id in order (e.g. the name the user wrote, then
   * the name the host answered with): first `provider:id`, then `id`, then `id` without a dated
   * snapshot suffix (`gpt-4o-2024-08-06` → `gpt-4o`) or a vendor prefix (`openai/gpt-4o`).
   */
  lookup(provider: string, modelIds: ReadonlyArray<string | undefined>): ModelPrice | undefined;
}

/**
 * Creates a price table from the defaults plus your own prices (yours win).
 *
 * @param prices - Extra or overriding prices, keyed like {@link defaultPrices}.
 * @param options.includeDefaults - Start from {@link defaultPrices} (default true).
 *
 * @example
 * ```ts
 * const prices = createPriceTable({ 'my-finetune': { inputPerMillion: 3, outputPerMillion: 12 } });
 * const model = createModel('openai:my-finetune', { prices });
 * ```
 */
export function createPriceTable(
  prices: Record<string, ModelPrice> = {},
  options: { includeDefaults?: boolean } = {},
): PriceTable {
  const table = new Map<string, ModelPrice>(
    Object.entries({ ...(options.includeDefaults === false ? {} : defaultPrices), ...prices }),
  );
  return {
    lookup(provider, modelIds) {
      for (const modelId of modelIds) {
        if (modelId === undefined || modelId === '') continue;
        for (const candidate of candidateIds(modelId)) {
          const price = table.get(`${provider}:${candidate}`) ?? table.get(candidate);
          if (price !== undefined) return price;
        }
      }
      return undefined;
    },
  };
}

function candidateIds(modelId: string): string[] {
  const withoutVendor = modelId.includes('/') ? modelId.slice(modelId.lastIndexOf('/') + 1) : modelId;
  const candidates = [modelId, withoutVendor];
  for (const id of [modelId, withoutVendor]) {
    const undated = id.replace(/-\d{4}-\d{2}-\d{2}$/, '').replace(/-\d{8}$/, '');
    if (undated !== id) candidates.push(undated);
  }
  return candidates;
}

/**
 * The cost of one call in US dollars: uncached input, cached input and output, each at its price
 * per million tokens.
 */
export function computeCost(price: ModelPrice, usage: BillableUsage): number {
  const cached = Math.min(usage.cachedInputTokens ?? 0, usage.inputTokens);
  const cachedPrice = price.cachedInputPerMillion ?? price.inputPerMillion;
  return (
    ((usage.inputTokens - cached) * price.inputPerMillion +
      cached * cachedPrice +
      usage.outputTokens * price.outputPerMillion) /
    1_000_000
  );
}

/** The table models use when none is passed: {@link defaultPrices} alone. */
export const defaultPriceTable: PriceTable = createPriceTable();
