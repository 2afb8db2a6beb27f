import { describe, expect, it } from 'vitest';
import { answerInChunks } from './answer-in-chunks.js';

/** A clock that moves only when a task says so. */
function fakeClock(): { now: () => number; advance: (ms: number) => void } {
  let time = 1_000;
  return { now: () => time, advance: (ms) => (time += ms) };
}

describe('answerInChunks', () => {
  it('posts what was answered each time the interval has passed, and the rest at the end', () => {
    const clock = fakeClock();
    const posts: number[][] = [];
    // Each task takes 1 ms: with a 2 ms interval, a post after every second task.
    answerInChunks(
      [1, 2, 3, 4, 5],
      (task) => {
        clock.advance(1);
        return task * 10;
      },
      (answers) => posts.push(answers),
      clock.now,
      2,
    );
    expect(posts).toEqual([[10, 20], [30, 40], [50]]);
  });

  it('posts a quick batch as one message', () => {
    const clock = fakeClock();
    const posts: string[][] = [];
    answerInChunks(
      ['a', 'b', 'c'],
      (task) => task.toUpperCase(),
      (answers) => posts.push(answers),
      clock.now,
      2,
    );
    expect(posts).toEqual([['A', 'B', 'C']]);
  });

  it('posts a slow task on its own as soon as it is answered', () => {
    const clock = fakeClock();
    const posts: string[][] = [];
    const took: Record<string, number> = { quick: 0.1, slow: 5 };
    answerInChunks(
      ['quick', 'slow', 'quick', 'quick'],
      (task) => {
        clock.advance(took[task]!);
        return task;
      },
      (answers) => posts.push(answers),
      clock.now,
      2,
    );
    expect(posts).toEqual([
      ['quick', 'slow'],
      ['quick', 'quick'],
    ]);
  });

  it('posts nothing for an empty batch', () => {
    const posts: unknown[][] = [];
    answerInChunks(
      [],
      (task) => task,
      (answers) => posts.push(answers),
      fakeClock().now,
      2,
    );
    expect(posts).toEqual([]);
  });
});
