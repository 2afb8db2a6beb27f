import type { TracingLogger } from './tracing-logger.js';

/** The user info of a URL (`user:password@`) right after its scheme. */
const userInfo = /\b([a-z][a-z0-9+.-]*:\/\/)[^\s/?#@]*@/gi;

/** Secrets shorter than this are not searched for: they would match ordinary words. */
const shortestSecret = 8;

/**
 * Hides credentials in text meant for people (warnings, errors, the CLI's lines): the user name
 * and password of every URL, and each of `secrets` (API keys) wherever it appears.
 *
 * @example
 * ```ts
 * redactSecrets('Langfuse at https://admin:hunter2@lf.example.com is down'); // 'Langfuse at https://***@lf.example.com is down'
 * ```
 */
export function redactSecrets(text: string, secrets: readonly (string | undefined)[] = []): string {
  let result = text.replace(userInfo, '$1***@');
  for (const secret of secrets) {
    if (secret && secret.length >= shortestSecret) result = result.split(secret).join('***');
  }
  return result;
}

/**
 * A URL without its user name and password, for requests and messages alike: Langfuse
 * authenticates with the project keys, and `fetch` refuses a URL that carries credentials.
 */
export function withoutCredentials(url: string): { url: string; hadCredentials: boolean } {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { url: redactSecrets(url), hadCredentials: false };
  }
  if (parsed.username === '' && parsed.password === '') return { url, hadCredentials: false };
  parsed.username = '';
  parsed.password = '';
  return { url: parsed.toString().replace(/\/+$/, ''), hadCredentials: true };
}

/** A logger that passes every message through {@link redactSecrets} first. */
export function redactingLogger(
  logger: TracingLogger,
  secrets: readonly (string | undefined)[] = [],
): TracingLogger {
  return { warn: (message) => logger.warn(redactSecrets(message, secrets)) };
}
