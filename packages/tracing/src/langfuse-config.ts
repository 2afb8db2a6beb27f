import { z } from 'zod';
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
    .transform((url) => url.replace(/\/+$/, ''))
    .default(defaultBaseUrl),
  timeoutMs: z.number().positive().default(5_000),
  environment: z.string().optional(),
  release: z.string().optional(),
});

const envSchema = z.object({
  LANGFUSE_PUBLIC_KEY: z.string().trim().optional(),
  LANGFUSE_SECRET_KEY: z.string().trim().optional(),
  LANGFUSE_BASE_URL: z.string().trim().optional(),
  LANGFUSE_BASEURL: z.string().trim().optional(),
  LANGFUSE_TIMEOUT: z.coerce.number().positive().optional().catch(undefined),
  LANGFUSE_TRACING_ENVIRONMENT: z.string().trim().optional(),
  LANGFUSE_RELEASE: z.string().trim().optional(),
});

/**
 * Decides whether and how to talk to Langfuse: explicit options win (and must be valid: a
 * mistake there is thrown), otherwise `LANGFUSE_PUBLIC_KEY`/`LANGFUSE_SECRET_KEY`/
 * `LANGFUSE_BASE_URL` from `env` (where a half-set or malformed configuration only warns, because
 * a stray variable must not stop an evaluation run). Returns `undefined` when Langfuse is off.
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
  if (explicit !== undefined) {
    const parsed = optionsSchema.safeParse({
      ...explicit,
      timeoutMs: explicit.timeoutMs ?? secondsToMs(fromEnv.LANGFUSE_TIMEOUT),
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
  if (!publicKey && !secretKey) return undefined;
  if (!publicKey || !secretKey) {
    const missing = publicKey ? 'LANGFUSE_SECRET_KEY' : 'LANGFUSE_PUBLIC_KEY';
    logger.warn(`${missing} is not set, so Langfuse is off; traces stay local.`);
    return undefined;
  }
  const parsed = optionsSchema.safeParse({
    publicKey,
    secretKey,
    baseUrl: fromEnv.LANGFUSE_BASE_URL || fromEnv.LANGFUSE_BASEURL || undefined,
    timeoutMs: secondsToMs(fromEnv.LANGFUSE_TIMEOUT),
    environment: fromEnv.LANGFUSE_TRACING_ENVIRONMENT || undefined,
    release: fromEnv.LANGFUSE_RELEASE || undefined,
  });
  if (!parsed.success) {
    logger.warn(`LANGFUSE_* variables are invalid (${z.prettifyError(parsed.error)}), so Langfuse is off.`);
    return undefined;
  }
  return parsed.data;
}

function secondsToMs(seconds: number | undefined): number | undefined {
  return seconds === undefined ? undefined : seconds * 1000;
}
