/**
 * LoRAs fused at load time, as ComfyUI does: a graph's data file is read into memory tensor by tensor,
 * each weight a LoRA changes is patched there (`W + Σ strength·(alpha/rank)·B·A` in float32, rounded to
 * the folder's storage type), and the buffer is handed to ORT as that file (its `externalData` option), so
 * switching LoRAs costs a session rebuild, not a conversion. ORT takes in-memory data files whole (a graph
 * cannot read some initializers from memory and the rest from disk), so host memory is the graph's data
 * file plus one weight's working set; the folder's files are never written.
 */
import { open, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { bf16ToF32, f32ToBf16 } from '../safetensors';
import { externalPlacements } from '../onnx/external-placements';
import type { InitializerPlacement } from '../onnx/external-placements';
import type { ComponentName, ModelManifest } from '../model-store/manifest';
import type { SessionSource } from '../model-store/open-model';
import { addLowRank, scaled, transposeF32 } from './delta-kernel';
import { LoraError } from './lora-file';
import { planFusion } from './fusion-plan';
import type { FusionTerm, LoraApplication, ModuleShape } from './fusion-plan';

const READ_CHUNK = 64 << 20;

/** The graph's dense Linear weights: `<module>.weight.T`, stored transposed as `[in, out]`. */
function denseLinears(placements: ReadonlyMap<string, InitializerPlacement>) {
  const out = new Map<string, InitializerPlacement>();
  for (const p of placements.values()) {
    const module = /^(.*)\.weight\.T$/.exec(p.name)?.[1];
    if (module && p.dims.length === 2 && (p.dtype === 'float32' || p.dtype === 'bfloat16'))
      out.set(module, p);
  }
  return out;
}

type Graph = {
  component: ComponentName;
  path: string;
  linears: Map<string, InitializerPlacement>;
  /** Every data file the graph reads: ORT takes in-memory data files all or none. */
  locations: Set<string>;
};

export type LoadTimeFusion = Readonly<{
  /** What each changed component's session is created from. */
  sources: ReadonlyMap<ComponentName, SessionSource>;
  /** Weights patched, and their bytes. */
  tensors: number;
  bytes: number;
}>;

/**
 * Fuses `loras` into the transformer-side graphs of the model folder `dir` (fp32 or bf16 folders: an
 * int8/int4 folder's weights are quantised, so its LoRAs are fused at conversion). Every LoRA is checked
 * against the model before anything is read; nothing is patched when every strength is 0.
 */
export async function fuseAtLoad(
  dir: string,
  manifest: ModelManifest,
  loras: readonly LoraApplication[],
): Promise<LoadTimeFusion> {
  const graphs: Graph[] = [];
  for (const [component, entry] of Object.entries(manifest.components)) {
    if (!entry || entry.source !== 'transformer') continue;
    if (entry.precision === 'int8' || entry.precision === 'int4')
      throw new LoraError(
        `${dir} is an ${entry.precision} model: its weights are quantised, so LoRAs must be fused when converting (qwen-edit convert --lora file[:strength])`,
      );
    const path = join(dir, entry.model);
    const placements = externalPlacements(new Uint8Array(await readFile(path)));
    const locations = new Set([...placements.values()].map((p) => p.location));
    graphs.push({
      component: component as ComponentName,
      path,
      linears: denseLinears(placements),
      locations,
    });
  }
  const shapes = new Map<string, ModuleShape>();
  for (const g of graphs)
    for (const [module, p] of g.linears) shapes.set(module, { in: p.dims[0]!, out: p.dims[1]! });
  const plan = planFusion(loras, shapes);

  const sources = new Map<ComponentName, SessionSource>();
  let tensors = 0;
  let total = 0;
  for (const g of graphs) {
    const targets = [...g.linears].filter(([module]) => plan.has(module));
    if (targets.length === 0) continue;
    const files = new Map<string, Uint8Array>();
    for (const location of g.locations) files.set(location, await readWhole(join(dirname(g.path), location)));
    for (const [module, p] of targets) {
      await fuseInPlace(files.get(p.location)!, p, plan.get(module)!);
      tensors++;
      total += p.length;
    }
    sources.set(g.component, { externalData: [...files].map(([path, data]) => ({ path, data })) });
  }
  return { sources, tensors, bytes: total };
}

/** A whole file in memory, read straight into one buffer in chunks (one read call takes at most 2 GiB). */
async function readWhole(path: string): Promise<Uint8Array> {
  const handle = await open(path, 'r');
  try {
    const { size } = await handle.stat();
    const out = new Uint8Array(size);
    for (let done = 0; done < size;) {
      const { bytesRead } = await handle.read(out, done, Math.min(READ_CHUNK, size - done), done);
      if (bytesRead === 0) throw new Error(`${path}: ends before byte ${size} (the file shrank while read)`);
      done += bytesRead;
    }
    return out;
  } finally {
    await handle.close();
  }
}

/**
 * Adds the LoRA terms to one transposed `[in, out]` weight where it lies in `data`, in place: float32 is
 * read through a view, bfloat16 widened exactly and rounded back to nearest even, as the converter rounds.
 */
async function fuseInPlace(data: Uint8Array, p: InitializerPlacement, terms: readonly FusionTerm[]) {
  const [inF, outF] = [p.dims[0]!, p.dims[1]!];
  const at = data.byteOffset + p.offset;
  const n = inF * outF;
  const float32 = p.dtype === 'float32';
  if (at % (float32 ? 4 : 2) !== 0) throw new Error(`${p.name}: stored at an unaligned offset ${p.offset}`);
  const base = float32
    ? new Float32Array(data.buffer, at, n)
    : bf16ToF32(new Uint16Array(data.buffer, at, n));
  const lowRank = [];
  for (const { lora, adapter, factor } of terms) {
    const down = await lora.weights.readF32(adapter.down); // [rank, in]
    const up = await lora.weights.readF32(adapter.up); // [out, rank]
    lowRank.push({
      x: scaled(transposeF32(down, adapter.rank, inF), factor),
      y: transposeF32(up, outF, adapter.rank),
      rank: adapter.rank,
    });
  }
  const fused = await addLowRank(base, inF, outF, lowRank);
  if (float32) new Float32Array(data.buffer, at, n).set(fused);
  else new Uint16Array(data.buffer, at, n).set(f32ToBf16(fused));
}
