/** The tests' one seeded pseudo-random generator (mulberry32 + Box–Muller). */
export function seededRandom(seed: number): { uniform(): number; normal(): number } {
  let a = seed >>> 0;
  const uniform = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const normal = () => {
    const u = Math.max(uniform(), 1e-12);
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * uniform());
  };
  return { uniform, normal };
}

/** Uniform values in [−bound, bound), as a Float32Array. */
export function uniformArray(n: number, rng: { uniform(): number }, bound = 1): Float32Array {
  return Float32Array.from({ length: n }, () => bound * (2 * rng.uniform() - 1));
}

/** Normal values scaled by `std`, as a Float32Array. */
export function randomArray(n: number, rng: { normal(): number }, std = 1, mean = 0): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = mean + std * rng.normal();
  return out;
}
