import type { GridThw } from '../vision/layout';

export type MropeTokenIds = Readonly<{ imageTokenId: number; visionStartTokenId: number }>;

/**
 * M-RoPE position ids `[3, B, S]` (temporal, height, width), upstream `get_rope_index` for still images:
 * text counts up on all three axes from the previous maximum + 1; an image's merged tokens get
 * `(B, B + row, B + col)` with `B` the position after the text before it; padding (mask 0) gets 1.
 * Images are consumed from `imageGrids` in order across the rows, as upstream does.
 */
export function mropePositionIds(
  inputIds: readonly (readonly number[])[],
  imageGrids: readonly GridThw[],
  spatialMergeSize: number,
  ids: MropeTokenIds,
  attentionMask?: readonly (readonly number[])[],
): BigInt64Array {
  const batch = inputIds.length;
  const seq = inputIds[0]?.length ?? 0;
  const out = new BigInt64Array(3 * batch * seq).fill(1n);
  let imageIndex = 0;
  for (let b = 0; b < batch; b++) {
    const row = inputIds[b]!;
    if (row.length !== seq) throw new Error('mropePositionIds: rows must have equal length');
    const valid: number[] = [];
    for (let s = 0; s < seq; s++) if ((attentionMask?.[b]?.[s] ?? 1) === 1) valid.push(s);
    const tokens = valid.map((s) => row[s]!);
    const pos: [number[], number[], number[]] = [[], [], []];
    let next = 0;
    const pushText = (count: number) => {
      for (let i = 0; i < count; i++) for (const axis of pos) axis.push(next + i);
      next += count;
    };
    let st = 0;
    for (;;) {
      const ed = tokens.indexOf(ids.imageTokenId, st);
      if (ed < 0) break;
      const grid = imageGrids[imageIndex++];
      if (!grid)
        throw new Error(`mropePositionIds: more image runs than the ${imageGrids.length} grids given`);
      const [t, h, w] = grid;
      const lh = h / spatialMergeSize;
      const lw = w / spatialMergeSize;
      pushText(ed - st);
      const start = next;
      let maxPos = start;
      for (let f = 0; f < t; f++) {
        for (let y = 0; y < lh; y++) {
          for (let x = 0; x < lw; x++) {
            // Still images: upstream's temporal index is t·second_per_grid_t·tokens_per_second with 0 seconds.
            pos[0].push(start);
            pos[1].push(start + y);
            pos[2].push(start + x);
            maxPos = Math.max(maxPos, start + y, start + x);
          }
        }
      }
      next = maxPos + 1;
      st = ed + t * lh * lw;
    }
    if (st < tokens.length) pushText(tokens.length - st);
    for (let axis = 0; axis < 3; axis++) {
      valid.forEach((s, i) => {
        out[(axis * batch + b) * seq + s] = BigInt(pos[axis]![i]!);
      });
    }
  }
  return out;
}
