import { describe, expect, it } from 'vitest';
import { resolveLangfuseOptions } from './langfuse-config.js';
import { TracingError } from './tracing-error.js';

function resolve(options: Omit<Parameters<typeof resolveLangfuseOptions>[0], 'logger'>) {
  const warnings: string[] = [];
  const result = resolveLangfuseOptions({
    ...options,
    logger: { warn: (message) => warnings.push(message) },
  });
  return { result, warnings };
}

describe('resolveLangfuseOptions', () => {
  it('is off without keys', () => {
    expect(resolve({ env: {} })).toEqual({ result: undefined, warnings: [] });
  });

  it('reads keys, base URL, timeout, environment and release from the environment', () => {
    const { result } = resolve({
      env: {
        LANGFUSE_PUBLIC_KEY: 'pk',
        LANGFUSE_SECRET_KEY: 'sk',
        LANGFUSE_BASE_URL: 'https://langfuse.example.com/',
        LANGFUSE_TIMEOUT: '2',
        LANGFUSE_TRACING_ENVIRONMENT: 'ci',
        LANGFUSE_RELEASE: '1.2.3',
      },
    });
    expect(result).toEqual({
      publicKey: 'pk',
      secretKey: 'sk',
      baseUrl: 'https://langfuse.example.com',
      timeoutMs: 2_000,
      environment: 'ci',
      release: '1.2.3',
    });
  });

  it('defaults to Langfuse Cloud and honours the legacy LANGFUSE_BASEURL', () => {
    expect(resolve({ env: { LANGFUSE_PUBLIC_KEY: 'pk', LANGFUSE_SECRET_KEY: 'sk' } }).result).toMatchObject({
      baseUrl: 'https://cloud.langfuse.com',
      timeoutMs: 5_000,
    });
    expect(
      resolve({
        env: {
          LANGFUSE_PUBLIC_KEY: 'pk',
          LANGFUSE_SECRET_KEY: 'sk',
          LANGFUSE_BASEURL: 'http://localhost:3000',
        },
      }).result?.baseUrl,
    ).toBe('http://localhost:3000');
  });

  it('warns and stays off when the environment is half set or malformed', () => {
    expect(resolve({ env: { LANGFUSE_SECRET_KEY: 'sk' } }).warnings).toEqual([
      'LANGFUSE_PUBLIC_KEY is not set, so Langfuse is off; traces stay local.',
    ]);
    const malformed = resolve({
      env: { LANGFUSE_PUBLIC_KEY: 'pk', LANGFUSE_SECRET_KEY: 'sk', LANGFUSE_BASE_URL: 'ftp://x' },
    });
    expect(malformed.result).toBeUndefined();
    expect(malformed.warnings[0]).toMatch(/^LANGFUSE_\* variables are invalid/);
  });

  it('prefers explicit options over the environment, and can be turned off', () => {
    const env = { LANGFUSE_PUBLIC_KEY: 'pk-env', LANGFUSE_SECRET_KEY: 'sk-env' };
    expect(
      resolve({ env, explicit: { publicKey: 'pk', secretKey: 'sk', timeoutMs: 100 } }).result,
    ).toMatchObject({
      publicKey: 'pk',
      timeoutMs: 100,
    });
    expect(resolve({ env, explicit: false }).result).toBeUndefined();
  });

  it('throws a user error for malformed explicit options', () => {
    try {
      resolve({ env: {}, explicit: { publicKey: 'pk', secretKey: ' ' } });
      expect.unreachable();
    } catch (error) {
      expect(TracingError.isInstance(error) && error.code).toBe('invalid-options');
    }
  });
});
