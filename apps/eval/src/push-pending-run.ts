import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { type LangfusePendingKind, type PushedKind, pushLangfusePending } from '@baton/tracing';
import { EvalError } from './eval-error.js';
import { langfusePendingFile } from './langfuse-experiment.js';

/** What `baton push` did. */
export interface PushPendingRunResult {
  /**
   * 0 when nothing is left to send, 1 when some of it is still not acknowledged or could not be
   * read (lines kept aside in `langfuse-pending.jsonl.invalid`).
   */
  exitCode: 0 | 1;
  /** Per kind, what the push read and what Langfuse acknowledged; undefined when nothing was pending. */
  kinds?: Record<LangfusePendingKind, PushedKind>;
  /** Records still in the pending file. */
  remaining: number;
}

/**
 * `baton push <run-dir>`: sends what Langfuse did not acknowledge during a run — kept in the run
 * folder's `langfuse-pending.jsonl` — with the `LANGFUSE_*` variables of `env`, and logs one line
 * of what Langfuse acknowledged per kind. Idempotent (stable ids; run links are checked against
 * the run's existing links), so it can be run again until nothing is left.
 *
 * @throws EvalError `usage` when the folder does not exist or Langfuse is not configured
 */
export async function pushPendingRun(options: {
  dir: string;
  cwd: string;
  env: Record<string, string | undefined>;
  log: (line: string) => void;
}): Promise<PushPendingRunResult> {
  const dir = resolve(options.cwd, options.dir);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new EvalError('usage', `${options.dir} is not a run folder.`);
  }
  const path = join(dir, langfusePendingFile);
  if (!existsSync(path)) {
    options.log(
      `Nothing to push: ${options.dir} has no ${langfusePendingFile} (Langfuse acknowledged everything, or it was off for this run).`,
    );
    return { exitCode: 0, remaining: 0 };
  }
  const result = await pushLangfusePending({
    path,
    env: options.env,
    logger: { warn: (message) => options.log(`warning: ${message}`) },
  });
  if (!result) {
    throw new EvalError(
      'usage',
      'baton push needs LANGFUSE_PUBLIC_KEY and LANGFUSE_SECRET_KEY (and LANGFUSE_BASE_URL, LANGFUSE_BASEURL or LANGFUSE_HOST for self-hosted).',
    );
  }
  const { kinds } = result;
  const of = (...names: LangfusePendingKind[]) => {
    const read = names.reduce((sum, name) => sum + kinds[name].read - kinds[name].notNeeded, 0);
    const acknowledged = names.reduce((sum, name) => sum + kinds[name].acknowledged, 0);
    return `${acknowledged}/${read}`;
  };
  const parts = [
    ...(kinds.dataset.read > 0 ? [`datasets ${of('dataset')}`] : []),
    `spans ${of('span')}`,
    `dataset items ${of('item')}`,
    `run items ${of('run-item')}`,
    `scores ${of('score', 'run-score')}`,
  ];
  options.log(`Langfuse: pushed ${options.dir} (acknowledged: ${parts.join(', ')}).`);
  if (result.invalidLines > 0) {
    options.log(
      `Langfuse: ${result.invalidLines} line${result.invalidLines === 1 ? '' : 's'} of ${path} could not be read and ${
        result.invalidLines === 1 ? 'was' : 'were'
      } not sent${result.invalidPath ? `; kept in ${result.invalidPath}` : ''}.`,
    );
  }
  if (result.remaining > 0) {
    options.log(
      `Langfuse: ${result.remaining} still not acknowledged, kept in ${path}; run \`baton push ${options.dir}\` again later.`,
    );
    return { exitCode: 1, kinds, remaining: result.remaining };
  }
  return { exitCode: result.invalidLines > 0 ? 1 : 0, kinds, remaining: 0 };
}
