import type { Clock } from './clock.js';
import { HostLimiter, type HostLimiterOptions, type HostLimits } from './host-limiter.js';

/**
 * One {@link HostLimiter} per host, so that every model calling the same host shares its limits.
 * Hosts are keyed by `host[:port]` as in a URL, e.g. `api.openai.com` or `127.0.0.1:11434`.
 */
export interface LimiterRegistry {
  /** The limiter of a host, created with the registry's defaults on first use. */
  get(host: string): HostLimiter;
  /** Sets the limits of one host (creating its limiter if needed). */
  configure(host: string, limits: HostLimits): void;
}

/**
 * Creates a registry of host limiters.
 *
 * @param options.defaults - Limits for hosts not configured explicitly (default: 32 in flight, no rate limit).
 * @param options.hosts - Limits per host, e.g. `{ 'api.openai.com': { requestsPerInterval: 500 } }`.
 * @param options.clock - The clock handed to each limiter (default: the system clock).
 * @param options.now - Overrides `clock.now` alone (kept for compatibility; prefer `clock`).
 *
 * @example
 * ```ts
 * const limiters = createLimiterRegistry({ hosts: { 'api.deepseek.com': { maxConcurrency: 4 } } });
 * const model = createModel('deepseek:deepseek-chat', { limiters });
 * ```
 */
export function createLimiterRegistry(
  options: {
    defaults?: HostLimits;
    hosts?: Record<string, HostLimits>;
    clock?: Clock;
    now?: () => number;
  } = {},
): LimiterRegistry {
  const limiters = new Map<string, HostLimiter>();
  const limiterOptions: HostLimiterOptions = {
    ...(options.clock === undefined ? {} : { clock: options.clock }),
    ...(options.now === undefined ? {} : { now: options.now }),
  };
  const registry: LimiterRegistry = {
    get(host) {
      const key = host.toLowerCase();
      let limiter = limiters.get(key);
      if (limiter === undefined) {
        limiter = new HostLimiter(options.defaults, limiterOptions);
        limiters.set(key, limiter);
      }
      return limiter;
    },
    configure(host, limits) {
      const key = host.toLowerCase();
      const limiter = limiters.get(key);
      if (limiter === undefined) limiters.set(key, new HostLimiter(limits, limiterOptions));
      else limiter.configure(limits);
    },
  };
  for (const [host, limits] of Object.entries(options.hosts ?? {})) registry.configure(host, limits);
  return registry;
}

/**
 * The registry models use when none is passed. It is module-level on purpose: the point of a host
 * limiter is that all calls to one host share it, even from models created in different places.
 * Pass `limiters` to a model factory to use your own registry instead (tests should).
 */
export const defaultLimiterRegistry: LimiterRegistry = createLimiterRegistry();
