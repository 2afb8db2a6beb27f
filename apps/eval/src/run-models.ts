import { AsyncLocalStorage } from 'node:async_hooks';
import type { ChatModel, EmbeddingModel } from '@baton/core';
import {
  createCassetteFetch,
  createEmbeddingModel,
  createLimiterRegistry,
  createModel,
  type Env,
  type Fetch,
} from '@baton/providers';
import type { EvalOptions } from './eval-config.js';
import type { InUnit } from './run-evaluation.js';
import { stopOnSetupErrors } from './stop-on-setup-errors.js';

/** What {@link openRunModels} needs besides the run's options. */
export interface RunModelSettings {
  /** Where keys and URLs are read. */
  env: Env;
  /** Resolves a path of the command line against the run's working directory. */
  at: (path: string) => string;
  /** The turns in flight: each host lets as many calls through unless `--host-concurrency` caps it. */
  concurrency: number;
  /** Told of the first setup fault (a cassette miss, a rejected key), which stops the run. */
  onSetupError: (error: Error) => void;
}

/** The models a run calls, each present when its option names one. */
export interface RunModels {
  model?: ChatModel;
  judge?: ChatModel;
  userModel?: ChatModel;
  embeddingModel?: EmbeddingModel;
  /**
   * With a cassette: runs a unit of the run (a strategy × conversation × repeat) under its name,
   * which the cassette stores with each of the unit's calls and matches on replay, so identical
   * requests of units in flight at once (two conversations opening with the same message) each
   * replay their own answer whatever order they arrive in.
   */
  inUnit?: InUnit;
}

/**
 * Creates the run's models over one transport and one limiter per host: record/replay wraps the
 * transport, so the agents', the judge's, the user simulator's and the embedding calls share one
 * cassette, and each chat model reports a setup fault through `onSetupError` (see
 * `stopOnSetupErrors`).
 */
export function openRunModels(options: EvalOptions, settings: RunModelSettings): RunModels {
  // Only a run with a cassette pays for an async context (Node 20 tracks it with promise hooks).
  const units = options.replay || options.record ? new AsyncLocalStorage<string>() : undefined;
  const tag = () => units?.getStore();
  const cassette: Fetch | undefined = options.replay
    ? createCassetteFetch({ mode: 'replay', path: settings.at(options.replay), tag })
    : options.record
      ? createCassetteFetch({ mode: 'record', path: settings.at(options.record), tag })
      : undefined;
  // --concurrency is the turns in flight; each host lets as many model calls through unless
  // --host-concurrency caps it (the parallel strategy's branches can call at once within one turn).
  const limiters = createLimiterRegistry({
    defaults: { maxConcurrency: options.hostConcurrency ?? settings.concurrency },
  });
  const modelOptions = {
    env: settings.env,
    limiters,
    ...(cassette ? { fetch: cassette } : {}),
    ...(options.timeout !== undefined ? { timeoutMs: options.timeout } : {}),
    ...(options.idleTimeout !== undefined ? { idleTimeoutMs: options.idleTimeout } : {}),
  };
  const chat = (name: string | undefined): ChatModel | undefined =>
    name ? stopOnSetupErrors(createModel(name, modelOptions), settings.onSetupError) : undefined;
  return {
    ...(units ? { inUnit: ((name, work) => units.run(name, work)) satisfies InUnit } : {}),
    ...optional('model', chat(options.model)),
    ...optional('judge', chat(options.judge)),
    ...optional('userModel', chat(options.userModel)),
    // Embedding calls share the cassette with the chat models, so `--replay` covers route-embedding.
    ...optional(
      'embeddingModel',
      options.embeddingModel ? createEmbeddingModel(options.embeddingModel, modelOptions) : undefined,
    ),
  };
}

function optional<K extends string, V>(key: K, value: V | undefined): Partial<Record<K, V>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, V>);
}
