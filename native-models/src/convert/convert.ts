/**
 * Checkpoint → model folder. Validates the whole source first, then builds each component's graph,
 * copies the tokenizer and processor files, hashes every file and writes `model.json` last. The folder
 * is assembled in a temporary sibling and renamed into place only when complete, so an interrupted or
 * failed conversion never leaves something that looks like a model.
 */
import { copyFile, mkdir, readFile, readdir, rename, rm, stat, statfs, writeFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import type { ComputeType, Precision, QuantBlockSize, SharedWeights } from '../onnx';
import { withTensorRunner } from '../onnx';
import { externalPlacements } from '../onnx/external-placements';
import { sha256File } from '../model-store/hash';
import { MODEL_FORMAT, MODEL_FORMAT_VERSION, MODEL_MANIFEST } from '../model-store/manifest';
import { recordVerified } from '../model-store/verify';
import type { ComponentEntry, FileEntry, ManifestLora, ModelManifest } from '../model-store/manifest';
import { openLoraFile, withLorasFused } from '../lora';
import type { ComponentPlugin, ConvertSettings } from './component';
import { COMPONENTS, GENERATION_CONFIG } from './components';
import { silentProgress, stderrProgress } from './progress';
import type { ProgressSink } from './progress';
import { ResumeState, resumeKey } from './resume';
import { validateCheckpoint } from './validate';
import type { CheckedCheckpoint } from './validate';

export type ConvertOptions = Readonly<{
  precision: Precision;
  /**
   * The provider the folder is built for (default: 'cuda' for bf16, 'cpu' otherwise). It sets the defaults
   * below: CPU int builds compute in float32 with MatMulNBits accuracy_level 4; CUDA int builds compute in
   * bfloat16 (half the activation memory of float32) with block size 64 (int8) or 128 (int4).
   */
  target?: 'cpu' | 'cuda';
  /** MatMulNBits block size for int8/int4 (default 32 on CPU; see `target`). */
  blockSize?: QuantBlockSize;
  /** Compute type of int8/int4 graphs (default from `target`). */
  compute?: ComputeType;
  /** Replace an existing model folder at the destination (default: refuse). */
  overwrite?: boolean;
  /** true: progress bar on stderr; a sink: report there; false/absent: silent. */
  progress?: boolean | ProgressSink;
  /** The components to build (default: all the converter knows). */
  components?: readonly ComponentPlugin[];
  /** LoRAs fused into the transformer's weights before they are rounded or quantised, in order. */
  loras?: readonly Readonly<{ path: string; strength: number }>[];
  /**
   * Worker threads that transpose and quantise tensors (0: on the calling thread). The output is the same
   * bytes whatever the number. Default: `defaultConvertThreads()`.
   */
  threads?: number;
  /**
   * Cancels the conversion at the next tensor. The finished components stay in the partial folder beside the
   * destination, and converting again with the same inputs resumes with the rest (as after a killed process).
   */
  signal?: AbortSignal;
}>;

/** One thread per core but one (the main thread reads, writes and hashes), at most 4: beyond that the disk is the limit. */
export function defaultConvertThreads(): number {
  return Math.min(4, Math.max(1, availableParallelism() - 1));
}

const OUTPUT_BYTES_PER_ELEMENT: Readonly<Record<Precision, number>> = {
  fp32: 4,
  bf16: 2,
  int8: 1.07,
  int4: 0.57,
};

/** Expected output bytes of a component, from the element counts of the tensors it uses. */
function estimateBytes(
  checked: CheckedCheckpoint,
  plugin: ComponentPlugin,
  settings: ConvertSettings,
): number {
  const weights = checked.weights[plugin.source];
  let elements = 0;
  for (const name of weights.names()) {
    if (plugin.prefixes.some((p) => name.startsWith(p)))
      elements += weights.info(name).shape.reduce((a, b) => a * b, 1);
  }
  return elements * OUTPUT_BYTES_PER_ELEMENT[plugin.effectivePrecision(settings.precision)];
}

const SOURCE_BYTES_PER_ELEMENT = { F32: 4, F16: 2, BF16: 2 } as const;

/**
 * The checkpoint bytes a component converts: the progress bar's unit, because unlike the output's size
 * it is known exactly before anything is written, so the bar's total never moves.
 */
function sourceBytes(checked: CheckedCheckpoint, plugin: ComponentPlugin): number {
  const weights = checked.weights[plugin.source];
  let bytes = 0;
  for (const name of weights.names()) {
    if (plugin.prefixes.some((p) => name.startsWith(p))) {
      const info = weights.info(name);
      bytes += info.shape.reduce((a, b) => a * b, 1) * SOURCE_BYTES_PER_ELEMENT[info.dtype];
    }
  }
  return bytes;
}

/** The progress bar's total: the checkpoint bytes every component converts. */
export function progressTotal(checked: CheckedCheckpoint, plugins: readonly ComponentPlugin[]): number {
  return plugins.reduce((sum, p) => sum + sourceBytes(checked, p), 0);
}

async function folderBytes(dir: string): Promise<number> {
  let total = 0;
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true }).catch(() => [])) {
    if (entry.isFile())
      total += (await stat(join(entry.parentPath, entry.name)).catch(() => ({ size: 0 }))).size;
  }
  return total;
}

/**
 * Refuses to start when the destination's file system clearly lacks room for the output (the estimate
 * plus 5%), rather than failing an hour into a 40 GB conversion.
 */
async function checkFreeSpace(dir: string, expectedBytes: number): Promise<void> {
  const fs = await statfs(dir).catch(() => undefined);
  if (!fs) return;
  const free = fs.bavail * fs.bsize;
  const needed = expectedBytes * 1.05;
  if (free < needed) {
    const gb = (n: number) => `${(n / 1e9).toFixed(1)} GB`;
    throw new Error(`${dir}: the conversion needs about ${gb(needed)} but only ${gb(free)} is free`);
  }
}

/** model.json paths use '/' on every platform. */
const portable = (path: string) => path.split(sep).join('/');

async function copyFolderFiles(from: string, to: string, files: readonly string[]): Promise<void> {
  await mkdir(to, { recursive: true });
  for (const f of files) await copyFile(join(from, f), join(to, f));
}

/** The generator's decoding defaults (stop tokens) travel with it, when the checkpoint has them. */
async function copyGenerationConfig(
  from: string,
  outDir: string,
  components: Record<string, ComponentEntry>,
): Promise<void> {
  const source = join(from, 'text_encoder', GENERATION_CONFIG);
  if (!(await stat(source).catch(() => undefined))) return;
  const entry = components.generator!;
  const target = join(outDir, dirname(entry.model), GENERATION_CONFIG);
  await copyFile(source, target);
  components.generator = { ...entry, files: [...entry.files, portable(relative(outDir, target))] };
}

/**
 * Builds a model folder from a validated checkpoint into `outDir` (which must be empty or absent).
 * Returns the manifest it wrote as `outDir/model.json`.
 */
/** A resumed component's files and weight placements, read back (for a component that shares its folder). */
async function keptWeights(modelPath: string): Promise<SharedWeights> {
  const placements = [...externalPlacements(await readFile(modelPath)).values()].map(
    ({ name, location, offset, length }) => ({ name, location, offset, length }),
  );
  return { modelPath, dataPath: `${modelPath}.data`, placements };
}

export async function writeModelFolder(
  checked: CheckedCheckpoint,
  outDir: string,
  settings: ConvertSettings,
  plugins: readonly ComponentPlugin[],
  progress: ProgressSink = silentProgress,
  loras: readonly ManifestLora[] = [],
  resume?: ResumeState,
): Promise<ModelManifest> {
  await mkdir(outDir, { recursive: true });
  const components: Record<string, ComponentEntry> = {};
  // The builders hash their files while writing them; only the copied files are read back to hash.
  const knownSha256 = new Map<string, string>();
  // Progress counts checkpoint bytes: a component's share is credited in full when it is built.
  let finishedBytes = 0;
  const built = new Map<string, SharedWeights>();
  for (const plugin of plugins) {
    if (plugin.unavailable?.(checked.parsed.get(plugin.name), checked.weights[plugin.source])) continue;
    progress.stage(plugin.name);
    const sharing = plugin.sharesWeightsOf ? built.get(plugin.sharesWeightsOf) : undefined;
    const dir = sharing ? dirname(sharing.modelPath) : join(outDir, plugin.name);
    const share = sourceBytes(checked, plugin);
    const kept = await resume?.kept(plugin.name);
    if (kept) {
      components[plugin.name] = kept.entry;
      // A component another shares (text, for the generator) is handed on as if just built.
      if (plugins.some((p) => p.sharesWeightsOf === plugin.name))
        built.set(plugin.name, await keptWeights(join(outDir, kept.entry.model)));
      for (const [file, sha256] of Object.entries(kept.sha256)) knownSha256.set(file, sha256);
      finishedBytes += share;
      progress.update(finishedBytes);
      continue;
    }
    // What a cancelled or killed run left of this component is rebuilt from scratch; a component that shares
    // another's folder (the generator in text/) overwrites its own files there and must not remove the rest.
    if (!sharing) await rm(dir, { recursive: true, force: true });
    const expected = estimateBytes(checked, plugin, settings);
    // Builders stream weights into their data file; polling its size against the expected output size
    // gives live progress within the share for any builder (capped, as the estimate is approximate).
    // A component sharing a folder counts only what it adds there.
    const already = sharing ? await folderBytes(dir) : 0;
    const poll = setInterval(
      () =>
        void folderBytes(dir).then((n) =>
          progress.update(
            finishedBytes + share * Math.min(0.99, expected > 0 ? (n - already) / expected : 0),
          ),
        ),
      200,
    );
    try {
      const saved = await plugin.build(
        checked.parsed.get(plugin.name),
        checked.weights[plugin.source],
        settings,
        dir,
        sharing,
      );
      built.set(plugin.name, saved);
      knownSha256.set(portable(relative(outDir, saved.modelPath)), saved.sha256.model);
      knownSha256.set(portable(relative(outDir, saved.dataPath)), saved.sha256.data);
      components[plugin.name] = {
        model: portable(relative(outDir, saved.modelPath)),
        files: [
          ...new Set([
            saved.modelPath,
            saved.dataPath,
            ...saved.placements.map((p) => join(dir, p.location)),
          ]),
        ].map((p) => portable(relative(outDir, p))),
        source: plugin.source,
        inputs: saved.inputs,
        outputs: saved.outputs,
        precision: plugin.effectivePrecision(settings.precision),
      };
      await resume?.finished(
        plugin.name,
        components[plugin.name]!,
        Object.fromEntries(components[plugin.name]!.files.map((f) => [f, knownSha256.get(f)!])),
      );
    } finally {
      clearInterval(poll);
    }
    finishedBytes += share;
    progress.update(finishedBytes);
  }
  if (components.generator) await copyGenerationConfig(checked.dir, outDir, components);
  progress.stage('tokenizer');
  await copyFolderFiles(join(checked.dir, 'tokenizer'), join(outDir, 'tokenizer'), checked.tokenizerFiles);
  await copyFolderFiles(join(checked.dir, 'processor'), join(outDir, 'processor'), checked.processorFiles);

  progress.stage('sha256');
  const files: Record<string, FileEntry> = {};
  const all = (await readdir(outDir, { withFileTypes: true, recursive: true }))
    .filter((e) => e.isFile())
    .map((e) => portable(relative(outDir, join(e.parentPath, e.name))))
    .filter((p) => p !== MODEL_MANIFEST && !basename(p).startsWith('.'))
    .sort();
  for (const path of all) {
    const full = join(outDir, path);
    files[path] = {
      bytes: (await stat(full)).size,
      sha256: knownSha256.get(path) ?? (await sha256File(full)),
    };
  }
  const manifest: ModelManifest = {
    format: MODEL_FORMAT,
    formatVersion: MODEL_FORMAT_VERSION,
    pipeline: checked.pipeline,
    variant: checked.variant,
    precision: settings.precision,
    compute: settings.compute ?? (settings.precision === 'bf16' ? 'bfloat16' : 'float32'),
    blockSize: settings.precision === 'int8' || settings.precision === 'int4' ? settings.blockSize : null,
    components,
    tokenizer: { dir: 'tokenizer', files: checked.tokenizerFiles },
    processor: { dir: 'processor', files: checked.processorFiles },
    scheduler: checked.configs.scheduler as Record<string, unknown>,
    configs: {
      transformer: checked.configs.transformer,
      vae: checked.configs.vae,
      text_encoder: checked.configs.text_encoder,
      model_index: checked.configs.model_index,
    },
    sourceHashes: checked.sourceHashes,
    preview: null,
    files,
    ...(loras.length ? { loras } : {}),
  };
  const manifestText = `${JSON.stringify(manifest, null, 2)}\n`;
  await writeFile(join(outDir, MODEL_MANIFEST), manifestText);
  // Every hash above describes bytes just written, so the first 'auto' open need not hash them again.
  await recordVerified(outDir, manifestText);
  progress.finish();
  return manifest;
}

/** The build settings `options` ask for, with the target's defaults filled in. */
export function convertSettings(options: ConvertOptions): ConvertSettings {
  const { precision } = options;
  const target = options.target ?? (precision === 'bf16' ? 'cuda' : 'cpu');
  const quantized = precision === 'int8' || precision === 'int4';
  if (target === 'cpu' || !quantized) {
    return {
      precision,
      blockSize: options.blockSize ?? 32,
      ...(options.compute ? { compute: options.compute } : {}),
    };
  }
  // ORT's CUDA fpA-intB GEMM (Ada/Hopper) takes block 64, or 128 for int4; other sizes fall back to
  // dequantising the whole weight on every call.
  const blockSize = options.blockSize ?? (precision === 'int4' ? 128 : 64);
  if (blockSize !== 64 && blockSize !== 128)
    throw new Error(`--block-size ${blockSize}: CUDA ${precision} builds take 64 or 128`);
  return { precision, blockSize, compute: options.compute ?? 'bfloat16' };
}

/** Converts the Hugging Face checkpoint at `from` into a model folder at `to`. */
export async function convertCheckpoint(
  from: string,
  to: string,
  options: ConvertOptions,
): Promise<ModelManifest> {
  const plugins = options.components ?? COMPONENTS;
  const settings = convertSettings(options);
  const validated = await validateCheckpoint(resolve(from), plugins);
  const applications = [];
  for (const { path, strength } of options.loras ?? [])
    applications.push({ lora: await openLoraFile(resolve(path)), strength });
  // Every LoRA is matched to the checkpoint's weights here, before anything is written.
  const checked = applications.length
    ? {
        ...validated,
        weights: {
          ...validated.weights,
          transformer: withLorasFused(validated.weights.transformer, applications),
        },
      }
    : validated;
  const loras = applications.map(({ lora, strength }) => ({
    name: lora.name,
    sha256: lora.sha256,
    strength,
  }));
  const target = resolve(to);
  const existing = await readdir(target).catch(() => undefined);
  if (existing && existing.length > 0 && !options.overwrite) {
    throw new Error(`${target} exists and is not empty (pass overwrite to replace it)`);
  }
  const expected = plugins.reduce((sum, p) => sum + estimateBytes(checked, p, settings), 0);
  const progress =
    options.progress === true
      ? stderrProgress(progressTotal(checked, plugins))
      : options.progress === false || !options.progress
        ? silentProgress
        : options.progress;
  await mkdir(dirname(target), { recursive: true });
  await checkFreeSpace(dirname(target), expected);
  // One partial folder per destination, so a later run finds what a cancelled or killed one finished.
  const tmp = join(dirname(target), `.${basename(target)}.partial`);
  await mkdir(tmp, { recursive: true });
  const resume = await ResumeState.open(tmp, await resumeKey(checked, settings, plugins, loras));
  let keep = false;
  try {
    const manifest = await withTensorRunner(
      options.threads ?? defaultConvertThreads(),
      () => writeModelFolder(checked, tmp, settings, plugins, progress, loras, resume),
      options.signal,
    );
    await resume.close(false);
    if (existing) await rm(target, { recursive: true, force: true });
    await rename(tmp, target);
    return manifest;
  } catch (error) {
    // Cancelled: the finished components stay for the next run. Failed: nothing is left behind.
    keep = options.signal?.aborted === true;
    throw error;
  } finally {
    if (keep) await resume.close(true);
    else await rm(tmp, { recursive: true, force: true });
  }
}
