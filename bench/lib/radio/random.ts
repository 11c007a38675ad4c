/**
 * Seeded randomness for the radio simulator: uniform, Gaussian, and independent streams split
 * off by name (so adding a draw in one part of the model does not shift every other part).
 */
export interface Random {
  /** Uniform in [0, 1). */
  next(): number;
  /** Standard normal (Box–Muller). */
  gauss(): number;
  /** Uniform in [lo, hi). */
  between(lo: number, hi: number): number;
  /** An independent stream for `name`, same seed → same stream. */
  split(name: string): Random;
}

function hash(text: string, seed: number): number {
  let h = seed ^ 0x9e3779b9;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x85ebca6b) ^ (h >>> 13);
  return h >>> 0;
}

/** splitmix32: a 32-bit state stepped by the golden-ratio constant, then mixed. */
export function random(seed: number): Random {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x9e3779b9) >>> 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 16), 0x21f0aaad);
    z = Math.imul(z ^ (z >>> 15), 0x735a2d97);
    return ((z ^ (z >>> 15)) >>> 0) / 4294967296;
  };
  return {
    next,
    gauss: () => Math.sqrt(-2 * Math.log(Math.max(next(), 1e-12))) * Math.cos(2 * Math.PI * next()),
    between: (lo, hi) => lo + next() * (hi - lo),
    split: (name) => random(hash(name, seed)),
  };
}
