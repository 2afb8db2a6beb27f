import { z } from 'zod';
import { redactSecrets, withoutCredentials } from './redact.js';
import { TracingError } from './tracing-error.js';
import type { TracingLogger } from './tracing-logger.js';

/** How to reach Langfuse. Everything but the keys has a default. */
export interface LangfuseOptions {
  publicKey: string;
  secretKey: string;
  /** Cloud (`https://cloud.langfuse.com`, `https://us.cloud.langfuse.com`) or self-hosted. Default: EU cloud. */
  baseUrl?: string;
  /** Per-request timeout. Default 5,000 ms (or `LANGFUSE_TIMEOUT` seconds). */
  timeoutMs?: number;
  /**
   * Delivery gives up after this long without an acknowledgement from Langfuse (while it makes
   * progress it waits, however long that takes). Default 30,000 ms (or
   * `BATON_LANGFUSE_STALL_TIMEOUT` seconds).
   */
  stallTimeoutMs?: number;
  /** Langfuse environment tag (lowercase, e.g. `ci`). Default: `LANGFUSE_TRACING_ENVIRONMENT`. */
  environment?: string;
  /** Release tag. Default: `LANGFUSE_RELEASE`. */
  release?: string;
}

/** {@link LangfuseOptions} with the defaults filled in. */
export type ResolvedLangfuseOptions = Required<Omit<LangfuseOptions, 'environment' | 'release'>> &
  Pick<LangfuseOptions, 'environment' | 'release'>;

/** The environment variables Langfuse's own SDKs read. */
export type LangfuseEnv = Readonly<Record<string, string | undefined>>;

const defaultBaseUrl = 'https://cloud.langfuse.com';

const optionsSchema = z.object({
  publicKey: z.string().trim().min(1, 'publicKey is empty'),
  secretKey: z.string().trim().min(1, 'secretKey is empty'),
  baseUrl: z
    .url({ protocol: /^https?$/, error: 'baseUrl must be an http(s) URL' })
    .transform((url) => withoutCredentials(url).url.replace(/\/+$/, ''))
    .default(defaultBaseUrl),
  timeoutMs: z.number().positive().default(5_000),
  stallTimeoutMs: z.number().positive().default(30_000),
  environment: z.string().optional(),
  release: z.string().optional(),
});

const envSchema = z.object({
  LANGFUSE_PUBLIC_KEY: z.string().trim().optional(),
  LANGFUSE_SECRET_KEY: z.string().trim().optional(),
  LANGFUSE_BASE_URL: z.string().trim().optional(),
  LANGFUSE_BASEURL: z.string().trim().optional(),
  LANGFUSE_HOST: z.string().trim().optional(),
  LANGFUSE_TIMEOUT: z.coerce.number().positive().optional().catch(undefined),
  BATON_LANGFUSE_STALL_TIMEOUT: z.coerce.number().positive().optional().catch(undefined),
  LANGFUSE_TRACING_ENVIRONMENT: z.string().trim().optional(),
  LANGFUSE_RELEASE: z.string().trim().optional(),
});

/**
 * The variables that name Langfuse's URL, in order of precedence: `LANGFUSE_BASE_URL` (what the
 * JS SDK reads first), its legacy spelling `LANGFUSE_BASEURL`, then `LANGFUSE_HOST` (what Langfuse's
 * docs and Python SDK long used).
 */
export const langfuseUrlVariables = ['LANGFUSE_BASE_URL', 'LANGFUSE_BASEURL', 'LANGFUSE_HOST'] as const;

/**
 * Warnings already given, per environment object: the eval resolves its environment in several
 * places (the reporter, tracing, a dataset read), and a half-set environment is worth one line.
 */
const warnedEnvironments = new WeakMap<object, Set<string>>();

function warnOncePerEnv(env: LangfuseEnv, logger: TracingLogger, kind: string, message: string): void {
  let warned = warnedEnvironments.get(env);
  if (!warned) {
    warned = new Set();
    warnedEnvironments.set(env, warned);
  }
  if (warned.has(kind)) return;
  warned.add(kind);
  try {
    logger.warn(redactSecrets(message, [env.LANGFUSE_SECRET_KEY, env.LANGFUSE_PUBLIC_KEY]));
  } catch {
    // A broken logger must not turn a warning into a failure.
  }
}

/**
 * Decides whether and how to talk to Langfuse: explicit options win (and must be valid: a
 * mistake there is thrown), otherwise `LANGFUSE_PUBLIC_KEY`/`LANGFUSE_SECRET_KEY` and the URL from
 * `LANGFUSE_BASE_URL`, `LANGFUSE_BASEURL` or `LANGFUSE_HOST` (first set wins) in `env`. A half-set
 * environment (one key, or a URL without keys) or a malformed one only warns — once per `env`
 * object — because a stray variable must not stop an evaluation run. A user name and password in
 * the URL are dropped (Langfuse authenticates with the keys) and never printed. Returns
 * `undefined` when Langfuse is off.
 *
 * @throws TracingError `invalid-options` when `explicit` is malformed
 */
export function resolveLangfuseOptions(options: {
  explicit?: Partial<LangfuseOptions> | false;
  env: LangfuseEnv;
  logger: TracingLogger;
}): ResolvedLangfuseOptions | undefined {
  const { explicit, env, logger } = options;
  if (explicit === false) return undefined;
  const fromEnv = envSchema.parse(env);
  const stallTimeoutMs = secondsToMs(fromEnv.BATON_LANGFUSE_STALL_TIMEOUT);
  if (explicit !== undefined) {
    if (typeof explicit.baseUrl === 'string' && withoutCredentials(explicit.baseUrl).hadCredentials) {
      warnCredentials(env, logger, 'baseUrl', explicit.baseUrl);
    }
    const parsed = optionsSchema.safeParse({
      ...explicit,
      timeoutMs: explicit.timeoutMs ?? secondsToMs(fromEnv.LANGFUSE_TIMEOUT),
      stallTimeoutMs: explicit.stallTimeoutMs ?? stallTimeoutMs,
      environment: explicit.environment ?? (fromEnv.LANGFUSE_TRACING_ENVIRONMENT || undefined),
      release: explicit.release ?? (fromEnv.LANGFUSE_RELEASE || undefined),
    });
    if (!parsed.success) {
      throw new TracingError(
        'invalid-options',
        `Invalid Langfuse options: ${z.prettifyError(parsed.error)}`,
        {
          cause: parsed.error,
        },
      );
    }
    return parsed.data;
  }
  const publicKey = fromEnv.LANGFUSE_PUBLIC_KEY || undefined;
  const secretKey = fromEnv.LANGFUSE_SECRET_KEY || undefined;
  const urls = langfuseUrlVariables
    .map((name) => ({ name, value: fromEnv[name] || undefined }))
    .filter((entry): entry is { name: (typeof langfuseUrlVariables)[number]; value: string } =>
      Boolean(entry.value),
    );
  const url = urls[0];
  if (!publicKey && !secretKey) {
    if (url) {
      warnOncePerEnv(
        env,
        logger,
        'url-without-keys',
        `${url.name} is set but LANGFUSE_PUBLIC_KEY and LANGFUSE_SECRET_KEY are not, so Langfuse is off; traces stay local.`,
      );
    }
    return undefined;
  }
  if (!publicKey || !secretKey) {
    const missing = publicKey ? 'LANGFUSE_SECRET_KEY' : 'LANGFUSE_PUBLIC_KEY';
    warnOncePerEnv(env, logger, 'half-keys', `${missing} is not set, so Langfuse is off; traces stay local.`);
    return undefined;
  }
  const others = urls
    .slice(1)
    .filter((other) => other.value.replace(/\/+$/, '') !== url?.value.replace(/\/+$/, ''));
  if (url && others.length > 0) {
    warnOncePerEnv(
      env,
      logger,
      'url-conflict',
      `${url.name} and ${others.map((other) => other.name).join(' and ')} name different Langfuse URLs; using ${url.name} (${withoutCredentials(url.value).url}).`,
    );
  }
  if (url && withoutCredentials(url.value).hadCredentials) warnCredentials(env, logger, url.name, url.value);
  const parsed = optionsSchema.safeParse({
    publicKey,
    secretKey,
    baseUrl: url?.value,
    timeoutMs: secondsToMs(fromEnv.LANGFUSE_TIMEOUT),
    stallTimeoutMs,
    environment: fromEnv.LANGFUSE_TRACING_ENVIRONMENT || undefined,
    release: fromEnv.LANGFUSE_RELEASE || undefined,
  });
  if (!parsed.success) {
    warnOncePerEnv(
      env,
      logger,
      'invalid',
      `LANGFUSE_* variables are invalid (${z.prettifyError(parsed.error)}), so Langfuse is off.`,
    );
    return undefined;
  }
  return parsed.data;
}

function warnCredentials(env: LangfuseEnv, logger: TracingLogger, name: string, url: string): void {
  warnOncePerEnv(
    env,
    logger,
    'url-credentials',
    `${name} carries a user name and password (${redactSecrets(url)}); they are not sent: Langfuse authenticates with LANGFUSE_PUBLIC_KEY and LANGFUSE_SECRET_KEY.`,
  );
}

function secondsToMs(seconds: number | undefined): number | undefined {
  return seconds === undefined ? undefined : seconds * 1000;
}
