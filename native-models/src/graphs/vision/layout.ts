import type { VisionConfig } from '../../config/text-encoder';

/** One image's patch grid `(t, h, w)` in patch units, as the processor's `image_grid_thw` row. */
export type GridThw = readonly [t: number, h: number, w: number];

/**
 * Host-side inputs of the vision graph that depend only on the grids (spec §4.2): the window permutation of
 * merged tokens, the attention segments, and the 2-D rotary tables.
 */
export type VisionLayout = Readonly<{
  numPatches: number;
  /** Merged-token permutation into window order (upstream `window_index`), length numPatches / mergeUnit. */
  windowIndex: BigInt64Array;
  /** Per patch, in window order: which window it belongs to (block-diagonal window attention). */
  windowSegmentIds: BigInt64Array;
  /** Per patch, in window order: which image frame it belongs to (the "full" attention blocks). */
  frameSegmentIds: BigInt64Array;
  /** Upstream `cu_window_seqlens` after `unique_consecutive` (patch units). */
  cuWindowSeqlens: readonly number[];
  /** Upstream `cu_seqlens` (patch units, one segment per frame). */
  cuSeqlens: readonly number[];
  /** `cos` / `sin` of the rotary angles, `[numPatches, headDim]`, rows in the processor's patch order. */
  rotaryCos: Float32Array;
  rotarySin: Float32Array;
}>;

function checkGrid(grid: GridThw, merge: number): void {
  const [t, h, w] = grid;
  if (![t, h, w].every((v) => Number.isInteger(v) && v > 0) || h % merge !== 0 || w % merge !== 0) {
    throw new Error(
      `vision grid ${JSON.stringify(grid)} must be positive integers with h, w multiples of ${merge}`,
    );
  }
}

/**
 * Per patch (processor order: merge blocks in raster order, 2×2 patches inside each), its `(row, col)` in
 * patch units — upstream `rot_pos_emb`'s `pos_ids`.
 */
export function visionPatchPositions(grids: readonly GridThw[], merge: number): Int32Array {
  let total = 0;
  for (const g of grids) {
    checkGrid(g, merge);
    total += g[0] * g[1] * g[2];
  }
  const out = new Int32Array(total * 2);
  let p = 0;
  for (const [t, h, w] of grids) {
    for (let f = 0; f < t; f++) {
      for (let bh = 0; bh < h / merge; bh++) {
        for (let bw = 0; bw < w / merge; bw++) {
          for (let mh = 0; mh < merge; mh++) {
            for (let mw = 0; mw < merge; mw++) {
              out[p++] = bh * merge + mh;
              out[p++] = bw * merge + mw;
            }
          }
        }
      }
    }
  }
  return out;
}

/** Vision rotary `inv_freq` as torch computes it in float32: `1 / 10000^(2k/dim)`, dim = headDim/2. */
export function visionInvFreq(headDim: number, theta = 10000): Float32Array {
  const dim = headDim / 2;
  const out = new Float32Array(dim / 2);
  for (let k = 0; k < dim / 2; k++) {
    const exponent = Math.fround(Math.fround(2 * k) / dim);
    out[k] = Math.fround(1 / Math.fround(Math.pow(theta, exponent)));
  }
  return out;
}

/** The rotary cos/sin tables `[numPatches, headDim]`: angles `[row·inv_freq, col·inv_freq]`, duplicated. */
export function visionRotaryTables(
  grids: readonly GridThw[],
  config: Pick<VisionConfig, 'headDim' | 'spatialMergeSize'>,
): { cos: Float32Array; sin: Float32Array } {
  const pos = visionPatchPositions(grids, config.spatialMergeSize);
  const n = pos.length / 2;
  const hd = config.headDim;
  const inv = visionInvFreq(hd);
  const q = inv.length;
  const cos = new Float32Array(n * hd);
  const sin = new Float32Array(n * hd);
  for (let i = 0; i < n; i++) {
    for (let axis = 0; axis < 2; axis++) {
      const p = pos[2 * i + axis]!;
      for (let k = 0; k < q; k++) {
        const angle = Math.fround(p * inv[k]!);
        const c = Math.cos(angle);
        const s = Math.sin(angle);
        for (const half of [0, hd / 2]) {
          cos[i * hd + half + axis * q + k] = c;
          sin[i * hd + half + axis * q + k] = s;
        }
      }
    }
  }
  return { cos, sin };
}

/**
 * Upstream `get_window_index` (pad each frame's merged grid up to whole windows, windows in raster order,
 * merged tokens in raster order inside each) plus the per-patch segment ids the graph's attention masks use.
 */
export function visionWindowLayout(
  grids: readonly GridThw[],
  config: Pick<VisionConfig, 'spatialMergeSize' | 'windowSize' | 'patchSize'>,
): Omit<VisionLayout, 'rotaryCos' | 'rotarySin'> {
  const merge = config.spatialMergeSize;
  const unit = merge * merge;
  const ws = config.windowSize / merge / config.patchSize;
  const windowIndex: number[] = [];
  const windowSizes: number[] = [];
  const cuSeqlens = [0];
  let base = 0;
  for (const grid of grids) {
    checkGrid(grid, merge);
    const [t, h, w] = grid;
    const lh = h / merge;
    const lw = w / merge;
    const nwh = (lh + ws - (lh % ws)) / ws;
    const nww = (lw + ws - (lw % ws)) / ws;
    for (let f = 0; f < t; f++) {
      for (let wy = 0; wy < nwh; wy++) {
        for (let wx = 0; wx < nww; wx++) {
          let count = 0;
          for (let y = wy * ws; y < Math.min((wy + 1) * ws, lh); y++) {
            for (let x = wx * ws; x < Math.min((wx + 1) * ws, lw); x++) {
              windowIndex.push(base + (f * lh + y) * lw + x);
              count++;
            }
          }
          windowSizes.push(count);
        }
      }
      cuSeqlens.push(cuSeqlens[cuSeqlens.length - 1]! + h * w);
    }
    base += t * lh * lw;
  }
  const numPatches = base * unit;
  const cuWindowSeqlens = [0];
  const windowSegmentIds = new BigInt64Array(numPatches);
  let p = 0;
  let id = 0;
  for (const size of windowSizes) {
    if (size === 0) continue;
    for (let i = 0; i < size * unit; i++) windowSegmentIds[p++] = BigInt(id);
    cuWindowSeqlens.push(p);
    id++;
  }
  // Windows never cross frames and frames stay in order, so frame segments are contiguous in window order too.
  const frameSegmentIds = new BigInt64Array(numPatches);
  for (let s = 0; s + 1 < cuSeqlens.length; s++)
    frameSegmentIds.fill(BigInt(s), cuSeqlens[s]!, cuSeqlens[s + 1]!);
  return {
    numPatches,
    windowIndex: BigInt64Array.from(windowIndex, (v) => BigInt(v)),
    windowSegmentIds,
    frameSegmentIds,
    cuWindowSeqlens,
    cuSeqlens,
  };
}

/** Everything the vision graph needs besides `pixel_values`, for the given grids. */
export function visionLayout(
  grids: readonly GridThw[],
  config: Pick<VisionConfig, 'headDim' | 'spatialMergeSize' | 'windowSize' | 'patchSize'>,
): VisionLayout {
  const { cos, sin } = visionRotaryTables(grids, config);
  return { ...visionWindowLayout(grids, config), rotaryCos: cos, rotarySin: sin };
}
