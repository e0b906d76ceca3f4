/**
 * Host side of the split modulation: the modulation graph's outputs for a run's timesteps, and the rows of
 * them a transformer built with `modulation: 'inputs'` takes per forward.
 */
import type { FeedSpec } from '../vision/feeds';
import { TRANSFORMER_INPUTS } from './graph';
import { MODULATION_IO } from './modulation';

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

/** An ORT output as far as this module reads it. */
type OutputValue = Readonly<{ data: unknown; dims: readonly number[] }>;

/** The table from one run of the modulation graph fed `timestep` = `sigmas` (float32 values). */
export function modulationTable(
  sigmas: readonly number[],
  outputs: Readonly<Record<string, OutputValue>>,
): ModulationTable {
  const get = (name: string) => {
    const value = outputs[name];
    if (!value || !(value.data instanceof Float32Array))
      throw new Error(`the modulation graph gave no float32 output '${name}'`);
    return { data: value.data, dims: value.dims };
  };
  const img = get(MODULATION_IO.img);
  if (img.dims.length !== 3 || img.dims[0] !== sigmas.length)
    throw new Error(
      `modulation output '${MODULATION_IO.img}' is [${img.dims.join(', ')}] for ${sigmas.length} σ`,
    );
  return {
    sigmas: [...sigmas],
    layers: img.dims[1]!,
    width: img.dims[2]!,
    img: img.data,
    txt: get(MODULATION_IO.txt).data,
    out: get(MODULATION_IO.out).data,
  };
}

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
