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
        BATON_LANGFUSE_STALL_TIMEOUT: '12',
      },
    });
    expect(result).toEqual({
      publicKey: 'pk',
      secretKey: 'sk',
      baseUrl: 'https://langfuse.example.com',
      timeoutMs: 2_000,
      stallTimeoutMs: 12_000,
      environment: 'ci',
      release: '1.2.3',
    });
  });

  it('defaults to Langfuse Cloud and honours the legacy LANGFUSE_BASEURL', () => {
    expect(resolve({ env: { LANGFUSE_PUBLIC_KEY: 'pk', LANGFUSE_SECRET_KEY: 'sk' } }).result).toMatchObject({
      baseUrl: 'https://cloud.langfuse.com',
      timeoutMs: 5_000,
      stallTimeoutMs: 30_000,
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

  it('reads LANGFUSE_HOST and LANGFUSE_BASEURL as aliases, LANGFUSE_BASE_URL first, and says which one wins', () => {
    const keys = { LANGFUSE_PUBLIC_KEY: 'pk', LANGFUSE_SECRET_KEY: 'sk' };
    expect(resolve({ env: { ...keys, LANGFUSE_HOST: 'https://host.example.com' } })).toEqual({
      result: expect.objectContaining({ baseUrl: 'https://host.example.com' }),
      warnings: [],
    });
    expect(
      resolve({
        env: {
          ...keys,
          LANGFUSE_HOST: 'https://host.example.com',
          LANGFUSE_BASEURL: 'https://legacy.example.com',
        },
      }).result?.baseUrl,
    ).toBe('https://legacy.example.com');
    const all = resolve({
      env: {
        ...keys,
        LANGFUSE_HOST: 'https://host.example.com',
        LANGFUSE_BASEURL: 'https://legacy.example.com/',
        LANGFUSE_BASE_URL: 'https://legacy.example.com',
      },
    });
    expect(all.result?.baseUrl).toBe('https://legacy.example.com');
    // The same URL twice is no conflict; a different one is named.
    expect(all.warnings).toEqual([
      'LANGFUSE_BASE_URL and LANGFUSE_HOST name different Langfuse URLs; using LANGFUSE_BASE_URL (https://legacy.example.com).',
    ]);
  });

  it('drops a user name and password from the URL and never prints them', () => {
    const env = {
      LANGFUSE_PUBLIC_KEY: 'pk-lf-0123456789',
      LANGFUSE_SECRET_KEY: 'sk-lf-0123456789',
      LANGFUSE_HOST: 'https://admin:hunter2@langfuse.example.com/',
    };
    const { result, warnings } = resolve({ env });
    expect(result?.baseUrl).toBe('https://langfuse.example.com');
    expect(warnings).toEqual([
      'LANGFUSE_HOST carries a user name and password (https://***@langfuse.example.com/); they are not sent: Langfuse authenticates with LANGFUSE_PUBLIC_KEY and LANGFUSE_SECRET_KEY.',
    ]);
    const explicit = resolve({
      env: {},
      explicit: { publicKey: 'pk', secretKey: 'sk', baseUrl: 'http://user:secret@localhost:3000' },
    });
    expect(explicit.result?.baseUrl).toBe('http://localhost:3000');
    expect(explicit.warnings.join('\n')).not.toMatch(/secret@|user:/);
  });

  it('warns once per environment when it is half set: one key, or a URL without keys', () => {
    const env = { LANGFUSE_PUBLIC_KEY: 'pk-lf-0123456789' };
    const warnings: string[] = [];
    const logger = { warn: (message: string) => warnings.push(message) };
    for (let call = 0; call < 3; call++) expect(resolveLangfuseOptions({ env, logger })).toBeUndefined();
    expect(warnings).toEqual(['LANGFUSE_SECRET_KEY is not set, so Langfuse is off; traces stay local.']);

    expect(resolve({ env: { LANGFUSE_BASEURL: 'http://localhost:3000' } }).warnings).toEqual([
      'LANGFUSE_BASEURL is set but LANGFUSE_PUBLIC_KEY and LANGFUSE_SECRET_KEY are not, so Langfuse is off; traces stay local.',
    ]);
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
