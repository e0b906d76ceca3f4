/**
 * Upstream's `rope_deltas` for one row: `max(position_ids) + 1 − sequence_length` of the prefill, so that the
 * token at cache index `c` gets position `c + delta` on all three axes (text after the prompt counts on from the
 * prompt's largest position, which an image makes smaller than its token count).
 */
export function ropeDelta(prefillPositions: BigInt64Array, seqLen: number): number {
  let max = 0n;
  for (const p of prefillPositions) if (p > max) max = p;
  return Number(max) + 1 - seqLen;
}

/** Position ids `[3, 1, 1]` of the token at cache index `cacheIndex` during decode. */
export function decodePositionIds(cacheIndex: number, delta: number): BigInt64Array {
  return new BigInt64Array(3).fill(BigInt(cacheIndex + delta));
}
