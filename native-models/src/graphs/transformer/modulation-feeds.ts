/**
 * Host side of the split modulation: the modulation graph's outputs for a run's timesteps, and the rows of
 * them a transformer built with `modulation: 'inputs'` takes per forward.
 */
import type { FeedSpec } from '../vision/feeds';
import { TRANSFORMER_INPUTS } from './graph';

/** The modulation graph's outputs for `sigmas` (row s belongs to `sigmas[s]`). */
export type ModulationTable = Readonly<{
  sigmas: readonly number[];
  layers: number;
  /** 6·D: values per block and stream. */
  width: number;
  /** `[steps, layers, width]` each. */
  img: Float32Array;
  txt: Float32Array;
  /** `[steps, 2·D]`. */
  out: Float32Array;
}>;

function rowOf(table: ModulationTable, sigma: number): number {
  const row = table.sigmas.indexOf(sigma);
  if (row < 0) throw new Error(`no modulation was computed for σ = ${sigma}`);
  return row;
}

function gatherRows(data: Float32Array, rows: readonly number[], rowLength: number): Float32Array {
  const out = new Float32Array(rows.length * rowLength);
  rows.forEach((r, i) => out.set(data.subarray(r * rowLength, (r + 1) * rowLength), i * rowLength));
  return out;
}

/**
 * The modulation inputs for a batch whose item i runs at `sigmas[i]`. With `zeroCond` (zero_cond_t) the
 * table must also hold σ = 0, whose `img_mod` row becomes `img_mod_ref` for every item.
 */
export function modulationFeeds(
  table: ModulationTable,
  sigmas: readonly number[],
  zeroCond = false,
): Record<string, FeedSpec> {
  const rows = sigmas.map((s) => rowOf(table, s));
  const blockValues = table.layers * table.width;
  const outWidth = table.out.length / table.sigmas.length;
  const stack = (data: Float32Array, r: readonly number[]): FeedSpec => ({
    dtype: 'float32',
    data: gatherRows(data, r, blockValues),
    dims: [r.length, table.layers, table.width],
  });
  return {
    [TRANSFORMER_INPUTS.imgMod]: stack(table.img, rows),
    [TRANSFORMER_INPUTS.txtMod]: stack(table.txt, rows),
    [TRANSFORMER_INPUTS.outMod]: {
      dtype: 'float32',
      data: gatherRows(table.out, rows, outWidth),
      dims: [rows.length, outWidth],
    },
    ...(zeroCond
      ? {
          [TRANSFORMER_INPUTS.imgModRef]: stack(
            table.img,
            rows.map(() => rowOf(table, 0)),
          ),
        }
      : {}),
  };
}
