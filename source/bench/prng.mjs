/**
 * mulberry32: a small, fast, seeded PRNG returning floats in [0, 1). One copy for the benchmarks'
 * synthetic data (seed-cache.ts, comments.mjs) and the seeded reliability tests
 * (test/reliability/helpers.ts): plain JavaScript, so `node` runs it without a build.
 */
export function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
