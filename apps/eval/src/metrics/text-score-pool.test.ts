import { Worker } from 'node:worker_threads';
import { matchNuggets } from '@baton/core/facts';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { EvalError } from '../eval-error.js';
import { createTextScorePool, defaultScoreThreads } from './text-score-pool.js';
import {
  computeTextScores,
  inlineTextScoring,
  type TextScoreRequest,
  type TextScoring,
} from './text-scoring.js';

const requests: TextScoreRequest[] = [
  {
    answer: 'Fees are 1.59 % + €0.10. Ask support.',
    reference: 'Fees on Plus are 1.49 % + €0.10. You can switch plans any time.',
    nuggets: ['1.49 % + €0.10'],
  },
  {
    answer: 'Restart the router, then wait two minutes.',
    reference: 'Wait two minutes, then restart the router.',
    nuggets: ['restart the router'],
    recordedDraft: 'Please restart the router and wait.',
  },
  { answer: 'Thank you for reaching out.', reference: 'Refunds take 5–10 business days.', nuggets: [] },
];

/** `count` distinct requests cycling through `requests`, each answer marked with its index. */
function distinctRequests(count: number): TextScoreRequest[] {
  return Array.from({ length: count }, (_, index) => ({
    ...requests[index % requests.length]!,
    answer: `${requests[index % requests.length]!.answer} (${index})`,
  }));
}

/** A request whose scores cannot be computed: a nugget that is not text. */
const broken = { answer: 'a', reference: 'b', nuggets: [42] } as unknown as TextScoreRequest;

const open: TextScoring[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((scoring) => scoring.close()));
});

function pool(threads: number): TextScoring {
  const scoring = createTextScorePool({ threads });
  open.push(scoring);
  return scoring;
}

describe('createTextScorePool', () => {
  it('gives exactly the scores computed on the main thread, for every request', async () => {
    const scoring = pool(2);
    const pooled = await Promise.all(requests.map((request) => scoring.score(request)));
    expect(pooled).toEqual(requests.map((request) => computeTextScores(request)));
    expect(pooled[1]!.recordedHter).toBeTypeOf('number');
    expect(pooled[0]!.recordedHter).toBeUndefined();
  });

  it('matches nuggets exactly as matchNuggets does on the main thread', async () => {
    const scoring = pool(2);
    const pooled = await Promise.all(
      requests.map((request) => scoring.matchNuggets(request.answer, request.nuggets)),
    );
    expect(pooled).toEqual(requests.map((request) => matchNuggets(request.answer, request.nuggets)));
    expect(pooled[0]!.judgements[0]!.verdict).toBe('contradicted');
  });

  it('scores the same request once, in flight or done', async () => {
    const scoring = pool(1);
    const first = scoring.score(requests[0]!);
    expect(scoring.score({ ...requests[0]! })).toBe(first);
    await first;
    expect(scoring.score({ ...requests[0]! })).toBe(first);
  });

  it('answers many requests spread over its workers', async () => {
    const scoring = pool(2);
    const many = distinctRequests(40);
    const pooled = await Promise.all(many.map((request) => scoring.score(request)));
    expect(pooled).toEqual(many.map((request) => computeTextScores(request)));
  });

  it('rejects a request the scores cannot be computed for with an internal EvalError, and keeps working', async () => {
    const scoring = pool(1);
    const failed = scoring.score(broken);
    await expect(failed).rejects.toSatisfy(
      (error) =>
        EvalError.isInstance(error) && error.code === 'internal' && /Scoring failed/.test(error.message),
    );
    await expect(scoring.score(requests[2]!)).resolves.toEqual(computeTextScores(requests[2]!));
  });

  it('sends what one turn of the event loop asks of a worker in one message', async () => {
    const scoring = pool(1);
    const posted = vi.spyOn(Worker.prototype, 'postMessage');
    try {
      const many = distinctRequests(5);
      const pooled = await Promise.all([
        ...many.map((request) => scoring.score(request)),
        scoring.matchNuggets('Fees are 1.49 % + €0.10.', ['1.49 % + €0.10']),
      ]);
      expect(pooled.slice(0, 5)).toEqual(many.map((request) => computeTextScores(request)));
      expect(posted).toHaveBeenCalledTimes(1);
      expect((posted.mock.calls[0]![0] as unknown[]).length).toBe(6);
      // A later turn of the loop: a message of its own.
      await scoring.score({ ...requests[0]!, answer: 'Another answer.' });
      expect(posted).toHaveBeenCalledTimes(2);
    } finally {
      posted.mockRestore();
    }
  });

  it('fails only the broken task of a message, not the others sent with it', async () => {
    const scoring = pool(1);
    const failed = scoring.score(broken);
    const sound = scoring.score(requests[1]!);
    await expect(failed).rejects.toSatisfy(
      (error) => EvalError.isInstance(error) && error.code === 'internal',
    );
    await expect(sound).resolves.toEqual(computeTextScores(requests[1]!));
  });

  it('fails the tasks of a message that cannot be sent, and keeps working', async () => {
    const scoring = pool(1);
    const posted = vi.spyOn(Worker.prototype, 'postMessage').mockImplementationOnce(() => {
      throw new Error('could not be cloned');
    });
    try {
      const lost = [scoring.score(requests[0]!), scoring.matchNuggets('an answer', ['a nugget'])];
      for (const score of lost) {
        await expect(score).rejects.toSatisfy(
          (error) =>
            EvalError.isInstance(error) &&
            error.code === 'internal' &&
            /could not be cloned/.test(error.message),
        );
      }
      await expect(scoring.score(requests[2]!)).resolves.toEqual(computeTextScores(requests[2]!));
    } finally {
      posted.mockRestore();
    }
  });

  it('rejects pending and later requests once closed', async () => {
    const scoring = pool(1);
    const pending = expect(scoring.score(requests[0]!)).rejects.toSatisfy(
      (error) => EvalError.isInstance(error) && error.code === 'internal',
    );
    await scoring.close();
    await pending;
    await expect(scoring.score(requests[1]!)).rejects.toThrow(/closed/);
    await scoring.close();
  });

  it('fails pending and later scores with an internal EvalError when a worker crashes', async () => {
    // A heap far too small to load the scoring modules: the worker dies of it, as one would of a bug.
    const scoring = createTextScorePool({
      threads: 1,
      resourceLimits: { maxOldGenerationSizeMb: 1, maxYoungGenerationSizeMb: 1 },
    });
    open.push(scoring);
    const crashed = (error: unknown) =>
      EvalError.isInstance(error) && error.code === 'internal' && /scoring worker/.test(error.message);
    await expect(scoring.score(requests[0]!)).rejects.toSatisfy(crashed);
    await expect(scoring.matchNuggets('another answer', ['a nugget'])).rejects.toSatisfy(crashed);
  });

  it('refuses a thread count that is not a positive whole number', () => {
    for (const threads of [0, -1, 1.5, Number.NaN]) {
      expect(() => createTextScorePool({ threads })).toThrow(/positive whole number of threads/);
    }
  });
});

describe('defaultScoreThreads', () => {
  it('leaves one core to the main thread, none on one core, at most 2', () => {
    expect(defaultScoreThreads(1)).toBe(0);
    expect(defaultScoreThreads(2)).toBe(1);
    expect(defaultScoreThreads(3)).toBe(2);
    expect(defaultScoreThreads(64)).toBe(2);
  });
});

describe('inlineTextScoring', () => {
  it('computes on the calling thread, with the same memo', async () => {
    const scoring = inlineTextScoring();
    expect(scoring.threads).toBe(0);
    const first = scoring.score(requests[1]!);
    expect(scoring.score({ ...requests[1]! })).toBe(first);
    expect(await first).toEqual(computeTextScores(requests[1]!));
  });
});
