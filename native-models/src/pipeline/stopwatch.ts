/** Stage timing without a start variable per stage. */
import { performance } from 'node:perf_hooks';

/** A clock started now: call it for the milliseconds since. */
export function stopwatch(): () => number {
  const start = performance.now();
  return () => performance.now() - start;
}

/** Runs `f` and adds its wall-clock milliseconds to `into[key]`. */
export async function timed<K extends string, T>(
  into: Record<K, number>,
  key: K,
  f: () => T | Promise<T>,
): Promise<T> {
  const elapsed = stopwatch();
  const value = await f();
  into[key] += elapsed();
  return value;
}
