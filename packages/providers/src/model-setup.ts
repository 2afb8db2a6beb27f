import OpenAI, { AzureOpenAI } from 'openai';
import { cassetteModeOf } from './cassette-fetch.js';
import { type Clock, systemClock } from './clock.js';
import { defaultLimiterRegistry, type LimiterRegistry } from './limiter-registry.js';
import { createNodeFetch } from './node-fetch.js';
import { type Preset, type PresetId, type PresetQuirks, resolvePreset } from './presets.js';
import { computeCost, defaultPriceTable, type PriceTable } from './price-table.js';
import { ProviderError } from './provider-error.js';
import type { ResilienceContext } from './resilient-call.js';
import { sleep } from './sleep.js';
import type { CostOf } from './to-chat-response.js';
import { type RetryOptions, resolveRetryOptions } from './with-retry.js';

/** The `fetch` signature the SDK and the cassette accept. */
export type Fetch = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

/** Environment variables, `process.env` by default. */
export type Env = Readonly<Record<string, string | undefined>>;

/** Options shared by every model factory of this package. All optional. */
export interface ProviderModelOptions {
  /** A ready `openai` client; when given, `apiKey`, `baseURL`, `fetch` and `headers` are ignored. */
  client?: OpenAI;
  /**
   * The transport, e.g. a cassette from `createCassetteFetch` (default: `createNodeFetch()`, Node's
   * `http`/`https` with keep-alive; pass `globalThis.fetch` for undici's).
   */
  fetch?: Fetch;
  /** Overrides the key read from the preset's environment variable. */
  apiKey?: string;
  /** Overrides the preset's base URL and its environment variable. */
  baseURL?: string;
  /** Extra headers on every request (never written to a cassette). */
  headers?: Record<string, string>;
  /** Where keys and URLs are read (default `process.env`); inject it in tests. */
  env?: Env;
  /** Azure only: the `api-version` (default: `AZURE_OPENAI_API_VERSION`, then the preset's). */
  apiVersion?: string;
  /** Corrections to the preset's quirks, e.g. `{ structuredOutput: 'json-schema' }` for a newer host. */
  quirks?: Partial<PresetQuirks>;
  /**
   * Time limit of one attempt in ms (default 120 000): the headers and the whole body, or for a
   * stream the wait for its first chunk.
   */
  timeoutMs?: number;
  /**
   * The longest silence of a host in the middle of an answer, in ms (default 10 000, at most
   * `timeoutMs`): between the bytes of a body once its headers are in, and between a stream's
   * chunks once the first one is in. A hung connection then fails in seconds and is retried,
   * while a slow model still has `timeoutMs` to start answering.
   */
  idleTimeoutMs?: number;
  /** Retries and backoff; a `retry.sleep` given here is used as is, whatever the `clock`. */
  retry?: RetryOptions;
  /**
   * Runs the per-attempt timeout and the default retry backoff (default: the system clock).
   * Inject a fake one in tests, and give the `limiters` registry the same clock so that host
   * pauses after a 429 follow it too. The SDK's own backstop timer (`timeoutMs` + 1 s, see
   * `requestOptions`) always runs on real time.
   */
  clock?: Clock;
  /** Where the per-host limiter comes from (default {@link defaultLimiterRegistry}). */
  limiters?: LimiterRegistry;
  /** Prices for `costUsd` (default: {@link defaultPriceTable}). */
  prices?: PriceTable;
}

/** Options of {@link createOpenAIChatModel} and {@link createOpenAIEmbeddingModel}. */
export interface OpenAIModelOptions extends ProviderModelOptions {
  /** The model as the host names it, e.g. `gpt-4.1-mini` (for Azure: the deployment name). */
  model: string;
  /** The host (default `openai`). */
  preset?: PresetId | Preset;
}

/** Everything a model needs, resolved once at creation. */
export interface ModelSetup {
  provider: string;
  modelId: string;
  preset: Preset;
  quirks: PresetQuirks;
  client: OpenAI;
  resilience: ResilienceContext;
  /** Per-request options that keep the SDK's own retries off (resilience is ours). */
  requestOptions: { maxRetries: 0; timeout: number };
  costOf: CostOf;
}

const defaultTimeoutMs = 120_000;
const defaultIdleTimeoutMs = 10_000;
/** Local servers accept any key, but the SDK refuses to start without one. */
const placeholderKey = 'baton-no-key';

/**
 * Resolves options, preset and environment into a client, limiter, retry policy and pricing.
 *
 * @throws {ProviderError} `missing-api-key` naming the variable to set, `missing-base-url` for Azure.
 */
export function resolveModelSetup(options: OpenAIModelOptions): ModelSetup {
  const preset =
    typeof options.preset === 'object' ? options.preset : resolvePreset(options.preset ?? 'openai');
  if (options.model.trim() === '')
    throw new ProviderError('invalid-argument', 'The model id must not be empty.');
  const quirks = { ...preset.quirks, ...options.quirks };
  // Replayed failures are retried as recorded, but without waiting: the waits were the host's.
  const replaying = options.fetch !== undefined && cassetteModeOf(options.fetch) === 'replay';
  const client = options.client ?? buildClient(preset, options);
  const host = hostOf(client.baseURL);
  const hostLabel = `${preset.label} (${host})`;
  const timeoutMs = options.timeoutMs ?? defaultTimeoutMs;
  const clock = options.clock ?? systemClock;
  if (!(timeoutMs > 0)) throw new ProviderError('invalid-argument', 'timeoutMs must be positive.');
  const idleTimeoutMs = Math.min(options.idleTimeoutMs ?? defaultIdleTimeoutMs, timeoutMs);
  if (!(idleTimeoutMs > 0)) throw new ProviderError('invalid-argument', 'idleTimeoutMs must be positive.');
  const prices = options.prices ?? defaultPriceTable;
  const costOf: CostOf = (usage, responseModelId) => {
    if (usage === undefined) return undefined;
    if (preset.local) return 0;
    const price = prices.lookup(preset.id, [options.model, responseModelId]);
    return price === undefined ? undefined : computeCost(price, usage);
  };
  return {
    provider: preset.id,
    modelId: options.model,
    preset,
    quirks,
    client,
    resilience: {
      limiter: (options.limiters ?? defaultLimiterRegistry).get(host),
      retry: resolveRetryOptions({
        ...options.retry,
        sleep:
          options.retry?.sleep ??
          (replaying ? async () => {} : (ms: number, signal?: AbortSignal) => sleep(ms, signal, clock)),
      }),
      timeoutMs,
      idleTimeoutMs,
      clock,
      hostLabel,
      pauseOnRateLimit: !replaying,
    },
    // The SDK's own timer only covers the headers; ours (a little shorter) covers the body too.
    requestOptions: {
      maxRetries: 0,
      timeout: Number.isFinite(timeoutMs) ? timeoutMs + 1_000 : 2_147_483_647,
    },
    costOf,
  };
}

function buildClient(preset: Preset, options: OpenAIModelOptions): OpenAI {
  const env = options.env ?? process.env;
  const replaying = options.fetch !== undefined && cassetteModeOf(options.fetch) === 'replay';
  const apiKey =
    options.apiKey ?? (preset.apiKeyEnv === undefined ? undefined : nonEmpty(env[preset.apiKeyEnv]));
  if (apiKey === undefined && preset.apiKeyRequired && !replaying) {
    throw new ProviderError(
      'missing-api-key',
      `${preset.label} needs an API key: set ${preset.apiKeyEnv} or pass \`apiKey\`.`,
    );
  }
  const common = {
    apiKey: apiKey ?? placeholderKey,
    maxRetries: 0,
    // Node's own HTTP client unless a transport is given: a third of undici's CPU per call.
    fetch: options.fetch ?? createNodeFetch(),
    ...(options.headers === undefined ? {} : { defaultHeaders: options.headers }),
    // Failures surface as our errors; the SDK's console logging would only duplicate them.
    logLevel: 'off' as const,
    // Explicit, so the SDK does not read these from process.env behind the injected env's back.
    organization: preset.id === 'openai' ? (nonEmpty(env.OPENAI_ORG_ID) ?? null) : null,
    project: preset.id === 'openai' ? (nonEmpty(env.OPENAI_PROJECT_ID) ?? null) : null,
    webhookSecret: null,
  };
  const configuredURL = options.baseURL ?? nonEmpty(env[preset.baseURLEnv]);
  if (preset.azure !== undefined) {
    if (configuredURL === undefined) {
      throw new ProviderError(
        'missing-base-url',
        `${preset.label} needs your resource's endpoint: set ${preset.baseURLEnv} ` +
          '(e.g. https://my-resource.openai.azure.com) or pass `baseURL`.',
      );
    }
    const endpoint = configuredURL.replace(/\/+$/, '');
    return new AzureOpenAI({
      ...common,
      // The SDK puts `/deployments/<model>` after this and `?api-version=` on every request.
      baseURL: endpoint.endsWith('/openai') ? endpoint : `${endpoint}/openai`,
      apiVersion:
        options.apiVersion ?? nonEmpty(env[preset.azure.apiVersionEnv]) ?? preset.azure.defaultApiVersion,
    });
  }
  const baseURL = configuredURL ?? preset.baseURL;
  if (baseURL === undefined) {
    throw new ProviderError(
      'missing-base-url',
      `${preset.label} needs a base URL: set ${preset.baseURLEnv}.`,
    );
  }
  return new OpenAI({ ...common, baseURL });
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value;
}

function hostOf(baseURL: string): string {
  try {
    return new URL(baseURL).host;
  } catch {
    throw new ProviderError('invalid-argument', `The base URL "${baseURL}" is not a valid URL.`);
  }
}
