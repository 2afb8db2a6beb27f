/** A source of uniform numbers in [0, 1), such as `Math.random` or a seeded generator. */
export type UniformSource = () => number;

/**
 * Draws from a Beta(α, β) distribution as X / (X + Y) with X ~ Gamma(α), Y ~ Gamma(β), using only
 * the given uniform source, so a seeded source gives the same draws on every platform.
 *
 * Gamma draws use Marsaglia and Tsang's method (2000) — normal variates by Box–Muller — with the
 * usual boost U^(1/α) for shapes below 1.
 *
 * @param alpha - > 0.
 * @param beta - > 0.
 * @param random - Uniform numbers in [0, 1).
 * @returns A number in [0, 1].
 *
 * @example
 * ```ts
 * const draw = sampleBeta(3, 7, Math.random); // around 0.3
 * ```
 */
export function sampleBeta(alpha: number, beta: number, random: UniformSource): number {
  if (!(alpha > 0) || !(beta > 0)) throw new RangeError(`Beta(${alpha}, ${beta}): both must be > 0.`);
  const x = sampleGamma(alpha, random);
  const y = sampleGamma(beta, random);
  const total = x + y;
  // Both shapes tiny can underflow both draws to 0: fall back to the mean.
  return total > 0 ? x / total : alpha / (alpha + beta);
}

function sampleGamma(shape: number, random: UniformSource): number {
  if (shape < 1) {
    const boost = (1 - random()) ** (1 / shape);
    return sampleGamma(shape + 1, random) * boost;
  }
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    const x = sampleNormal(random);
    const base = 1 + c * x;
    if (base <= 0) continue;
    const v = base * base * base;
    const u = 1 - random();
    if (Math.log(u) < 0.5 * x * x + d - d * v + d * Math.log(v)) return d * v;
  }
}

function sampleNormal(random: UniformSource): number {
  const u1 = 1 - random(); // (0, 1]: the logarithm stays finite
  const u2 = random();
  return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
}
