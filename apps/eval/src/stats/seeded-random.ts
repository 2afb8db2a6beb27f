import { EvalError } from '../eval-error.js';

const uint64 = (value: bigint): bigint => BigInt.asUintN(64, value);

/**
 * A small, fast, seedable pseudo-random generator: **xoshiro128\*\*** (Blackman & Vigna, 2018),
 * 128 bits of state, period 2¹²⁸ − 1, 32-bit outputs. The seed is expanded into the state with
 * SplitMix64, as the authors recommend, so nearby seeds give unrelated streams.
 *
 * Used so that bootstrap intervals are reproducible (`--seed`): the same seed gives the same
 * sequence on every platform, which `Math.random` does not. Not for cryptography.
 *
 * @example
 * ```ts
 * const random = new SeededRandom(42);
 * random.nextFloat(); // in [0, 1), the same on every run
 * random.nextInt(6); // 0…5, unbiased
 * ```
 */
export class SeededRandom {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;
  /** Row starts of one block of {@link SeededRandom.sumRowsAtDrawn}'s draws, reused across calls. */
  private blockStarts = new Int32Array(256);

  /**
   * @param seed - Any safe integer (negative ones too).
   * @throws EvalError when the seed is not a safe integer.
   */
  constructor(seed: number) {
    if (!Number.isSafeInteger(seed)) {
      throw new EvalError('usage', `SeededRandom: the seed must be a safe integer, got ${seed}.`);
    }
    let state = uint64(BigInt(seed));
    const splitMix64 = (): bigint => {
      state = uint64(state + 0x9e3779b97f4a7c15n);
      let z = state;
      z = uint64((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n);
      z = uint64((z ^ (z >> 27n)) * 0x94d049bb133111ebn);
      return z ^ (z >> 31n);
    };
    const first = splitMix64();
    const second = splitMix64();
    this.s0 = Number(first & 0xffffffffn) | 0;
    this.s1 = Number(first >> 32n) | 0;
    this.s2 = Number(second & 0xffffffffn) | 0;
    this.s3 = Number(second >> 32n) | 0;
    // The all-zero state is the generator's one fixed point.
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1;
  }

  /**
   * A generator that starts from an exact xoshiro128** state (four 32-bit words), e.g. to check it
   * against the reference implementation's published outputs.
   *
   * @param state - The four state words; not all zero.
   * @throws EvalError for the all-zero state.
   */
  static fromState(state: readonly [number, number, number, number]): SeededRandom {
    if (state.every((word) => word >>> 0 === 0)) {
      throw new EvalError('usage', 'SeededRandom: the all-zero state never changes.');
    }
    const random = new SeededRandom(0);
    [random.s0, random.s1, random.s2, random.s3] = state.map((word) => word | 0) as [
      number,
      number,
      number,
      number,
    ];
    return random;
  }

  /** The next 32-bit output, as an unsigned integer in [0, 2³²). */
  nextUint32(): number {
    const result = Math.imul(rotateLeft(Math.imul(this.s1, 5), 7), 9);
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotateLeft(this.s3, 11);
    return result >>> 0;
  }

  /** A float in [0, 1) with 32 random bits. */
  nextFloat(): number {
    return this.nextUint32() / 4294967296;
  }

  /**
   * An integer in [0, `bound`), every value equally likely: draws that would favour small values
   * (the last, partial stretch of 2³² modulo `bound`) are rejected and redrawn.
   *
   * @param bound - An integer in [1, 2³²].
   * @throws EvalError when `bound` is out of range.
   */
  nextInt(bound: number): number {
    if (!Number.isInteger(bound) || bound < 1 || bound > 4294967296) {
      throw new EvalError(
        'usage',
        `SeededRandom.nextInt: bound must be an integer in [1, 2^32], got ${bound}.`,
      );
    }
    const limit = 4294967296 - (4294967296 % bound);
    for (;;) {
      const draw = this.nextUint32();
      if (draw < limit) return draw % bound;
    }
  }

  /**
   * Draws `draws` integers in [0, `values.length`), exactly as that many calls of
   * {@link SeededRandom.nextInt} would, and sums `values` at them in draw order (and `weights`, when
   * given, into `into[1]`); the sum goes to `into[0]`. The bootstrap's inner loop: fused so the
   * drawn indices are never stored, and a resample costs one pass.
   *
   * @param values - What is summed at each drawn index; its length is the bound.
   * @param draws - How many indices to draw.
   * @param into - Receives the sum of `values` (index 0) and of `weights` (index 1).
   * @param weights - Summed at the same indices when given (same length as `values`).
   * @throws EvalError when `values` is empty or longer than 2³², or `weights` differs in length.
   */
  sumAtDrawn(values: Float64Array, draws: number, into: Float64Array, weights?: Float64Array): void {
    const bound = values.length;
    if (bound < 1 || bound > 4294967296) {
      throw new EvalError(
        'usage',
        `SeededRandom.sumAtDrawn: values must hold 1 to 2^32 numbers, got ${bound}.`,
      );
    }
    if (weights !== undefined && weights.length !== bound) {
      throw new EvalError(
        'usage',
        `SeededRandom.sumAtDrawn: weights hold ${weights.length} numbers, values ${bound}.`,
      );
    }
    const limit = 4294967296 - (4294967296 % bound);
    let { s0, s1, s2, s3 } = this;
    let sum = 0;
    let weight = 0;
    for (let index = 0; index < draws; index++) {
      let draw: number;
      do {
        const scrambled = Math.imul(s1, 5);
        draw = Math.imul((scrambled << 7) | (scrambled >>> 25), 9) >>> 0;
        const t = s1 << 9;
        s2 ^= s0;
        s3 ^= s1;
        s1 ^= s2;
        s0 ^= s3;
        s2 ^= t;
        s3 = (s3 << 11) | (s3 >>> 21);
      } while (draw >= limit);
      const picked = draw - Math.floor(draw / bound) * bound;
      sum += values[picked]!;
      if (weights !== undefined) weight += weights[picked]!;
    }
    this.s0 = s0;
    this.s1 = s1;
    this.s2 = s2;
    this.s3 = s3;
    into[0] = sum;
    into[1] = weight;
  }

  /**
   * Draws `draws` integers in [0, `rows.length / width`), exactly as that many calls of
   * {@link SeededRandom.nextInt} would, and sums each column of `rows` (a row-major matrix of
   * `width` columns) at the drawn rows, in draw order: column `j`'s sum goes to `into[j]`. The same
   * draws and, column by column, the same sums as {@link SeededRandom.sumAtDrawn} over that column
   * alone, for the price of one stream: the bootstrap of several metrics' rows that share a seed and
   * a cluster count (the strategies of one run) draws once for all of them, and a row's columns
   * share a cache line where separate arrays would each miss.
   *
   * @param rows - `width` numbers per drawable index, row after row.
   * @param width - Columns per row, at least 1.
   * @param draws - How many rows to draw.
   * @param into - Receives the column sums (at least `width` long).
   * @throws EvalError when `width` is not a positive integer, `rows` is not a whole number of rows
   *   (at least one, under 2³¹ numbers in all), or `into` is shorter than a row.
   */
  sumRowsAtDrawn(rows: Float64Array, width: number, draws: number, into: Float64Array): void {
    if (!Number.isInteger(width) || width < 1 || rows.length % width !== 0 || into.length < width) {
      throw new EvalError(
        'usage',
        `SeededRandom.sumRowsAtDrawn: ${rows.length} numbers are not rows of ${width} for ${into.length} sums.`,
      );
    }
    const bound = rows.length / width;
    // Row starts are kept as 32-bit integers (a matrix that large would be 16 GB).
    if (bound < 1 || rows.length > 2147483647) {
      throw new EvalError(
        'usage',
        `SeededRandom.sumRowsAtDrawn: rows must hold 1 to 2^31 - 1 numbers, got ${rows.length}.`,
      );
    }
    const limit = 4294967296 - (4294967296 % bound);
    let { s0, s1, s2, s3 } = this;
    into.fill(0, 0, width);
    // Draws a block of row starts, then sums each column over the block with the running sum in a
    // local: a sum kept in `into` across the column loop costs a load and a store per column per
    // draw, which made this slower than one pass per column. Each column still adds its values in
    // draw order, so the sums are bit for bit sumAtDrawn's. The generator's step is written out
    // here as in sumAtDrawn and nextUint32 (a call per draw, with four words of state to hand back,
    // costs more than the step); a single input keeps sumAtDrawn, whose one fused pass measured
    // 10-50 % faster than a block of one column.
    const starts = this.blockStarts;
    for (let done = 0; done < draws; ) {
      const block = Math.min(starts.length, draws - done);
      for (let index = 0; index < block; index++) {
        let draw: number;
        do {
          const scrambled = Math.imul(s1, 5);
          draw = Math.imul((scrambled << 7) | (scrambled >>> 25), 9) >>> 0;
          const t = s1 << 9;
          s2 ^= s0;
          s3 ^= s1;
          s1 ^= s2;
          s0 ^= s3;
          s2 ^= t;
          s3 = (s3 << 11) | (s3 >>> 21);
        } while (draw >= limit);
        starts[index] = (draw - Math.floor(draw / bound) * bound) * width;
      }
      // Four columns a pass: each column's additions are one dependent chain, so four chains side by
      // side keep the floating-point adder busy where one would wait on each add.
      let column = 0;
      for (; column + 4 <= width; column += 4) {
        let a = into[column]!;
        let b = into[column + 1]!;
        let c = into[column + 2]!;
        let d = into[column + 3]!;
        for (let index = 0; index < block; index++) {
          const start = starts[index]! + column;
          a += rows[start]!;
          b += rows[start + 1]!;
          c += rows[start + 2]!;
          d += rows[start + 3]!;
        }
        into[column] = a;
        into[column + 1] = b;
        into[column + 2] = c;
        into[column + 3] = d;
      }
      for (; column < width; column++) {
        let sum = into[column]!;
        for (let index = 0; index < block; index++) sum += rows[starts[index]! + column]!;
        into[column] = sum;
      }
      done += block;
    }
    this.s0 = s0;
    this.s1 = s1;
    this.s2 = s2;
    this.s3 = s3;
  }
}

function rotateLeft(value: number, bits: number): number {
  return (value << bits) | (value >>> (32 - bits));
}
