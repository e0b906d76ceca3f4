/**
 * `EditModel` on ONNX Runtime: a converted model folder opened with the store's `openModel` (verified,
 * sessions created lazily, CUDA first with CPU fallback reported), each graph fed through the feed
 * helpers of its builder, every `session.run` counted.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import * as ort from 'onnxruntime-node';
import { EDIT_PIPELINE, EDIT_PLUS_PIPELINE, readSchedulerConfig } from '../config/pipeline';
import { checkpointVariant } from '../config/variant';
import { readTextEncoderConfig } from '../config/text-encoder';
import { readTransformerConfig } from '../config/transformer';
import { readVaeConfig } from '../config/vae';
import { textGraphFeeds } from '../graphs/text/feeds';
import { TEXT_IO } from '../graphs/text/graph';
import { qwenImageRopeTables } from '../graphs/transformer/rope';
import { TRANSFORMER_INPUTS, TRANSFORMER_OUTPUT } from '../graphs/transformer/graph';
import { MODULATION_IO } from '../graphs/transformer/modulation';
import { modulationFeeds, modulationTable } from '../graphs/transformer/modulation-feeds';
import type { ModulationTable } from '../graphs/transformer/modulation-feeds';

import type { FeedSpec } from '../graphs/vision/feeds';
import { visionGraphFeeds } from '../graphs/vision/feeds';
import { VAE_IO } from '../graphs/vae/graph';
import { VISION_IO } from '../graphs/vision/graph';
import { openModel } from '../model-store/open-model';
import type { Provider } from '../model-store/open-model';
import type { VerifyMode } from '../model-store/verify';
import type { ComponentName, EditModel, EditModelInfo, TokenGrid } from './edit-model';
import { COMPONENT_NAMES } from './edit-model';
import { cudaProviderInstalled, providerFromEnv, providerOrder } from './execution-provider';
import type { ProviderChoice } from './execution-provider';
import { WAN21_LATENT_RGB_BIAS, WAN21_LATENT_RGB_FACTORS } from './preview';
import { loadPromptTokenizer } from './tokenizer';
import { EditError } from './edit-error';
import { loraSessions } from './lora-sessions';

/** The folder is not a model this pipeline can run; the message says why. */
export class EditModelError extends EditError {
  override name = 'EditModelError';
  readonly code = 'invalid-model';
}

export type OpenEditModelOptions = Readonly<{
  /** 'auto' (default; or `QWEN_EDIT_EP`): CUDA when the binding has it, else CPU. */
  provider?: ProviderChoice;
  /** Intra-op threads per session (default: ORT's choice). */
  threads?: number;
  /**
   * 'auto' (default) hashes only files that changed since the last full check (a fresh conversion is
   * stamped as checked), so a corrupted file is refused without hashing 40 GB at every start; 'sha256'
   * hashes every file; 'size' checks presence and sizes only.
   */
  verify?: VerifyMode;
  /** Where a provider fallback is reported (default console.warn). */
  log?: (line: string) => void;
}>;

/**
 * zero_cond_t's `modulate_index` `[1, tokens]`, as upstream builds it from `img_shapes`: 0 for the first
 * grid's (the noise's) tokens, 1 for every reference image's.
 */
function modulateIndex(grids: readonly TokenGrid[]): FeedSpec {
  const sizes = grids.map(([f, h, w]) => f * h * w);
  const total = sizes.reduce((a, b) => a + b, 0);
  return { dtype: 'float32', data: new Float32Array(total).fill(1, sizes[0] ?? 0), dims: [1, total] };
}

/** Opens a converted Qwen-Image-Edit model folder; sessions are created on first use. */
export async function openEditModel(dir: string, options: OpenEditModelOptions = {}): Promise<EditModel> {
  const root = resolve(dir);
  let manifestText: string;
  try {
    manifestText = await readFile(join(root, 'model.json'), 'utf8');
  } catch {
    throw new EditModelError(
      `${root} is not a converted model folder (no model.json); convert a checkpoint first`,
    );
  }
  const peek = JSON.parse(manifestText) as { pipeline?: string; components?: Record<string, unknown> };
  if (peek.pipeline !== EDIT_PIPELINE && peek.pipeline !== EDIT_PLUS_PIPELINE) {
    throw new EditModelError(
      `${root} holds a ${peek.pipeline ?? 'unknown'} model; this app runs ${EDIT_PIPELINE} and ${EDIT_PLUS_PIPELINE}`,
    );
  }
  const missing = COMPONENT_NAMES.filter((c) => !peek.components?.[c]);
  if (missing.length) throw new EditModelError(`${root} lacks the component(s) ${missing.join(', ')}`);

  const providers: Provider[] = providerOrder(options.provider ?? providerFromEnv(), cudaProviderInstalled());
  const loaded = await openModel(root, {
    providers,
    verify: options.verify ?? 'auto',
    ...(options.log ? { log: options.log } : {}),
    sessionOptions: {
      graphOptimizationLevel: 'all',
      ...(options.threads ? { intraOpNumThreads: options.threads } : {}),
    },
  });
  const manifest = loaded.manifest;
  const textJson = manifest.configs.text_encoder as Record<string, unknown>;
  const textConfig = readTextEncoderConfig(textJson);
  const visionConfig = textConfig.vision;
  const transformerConfig = readTransformerConfig(manifest.configs.transformer);
  const { axesDimsRope: axesDims, zeroCondT } = transformerConfig;
  const variant = manifest.variant ?? checkpointVariant(manifest.pipeline, transformerConfig);
  const vaeConfig = readVaeConfig(manifest.configs.vae);
  const preview = manifest.preview as { factors?: number[][]; bias?: number[] } | null;
  const tokenizer = await loadPromptTokenizer(join(root, manifest.tokenizer.dir));

  const runs: Record<ComponentName, number> = {
    vision: 0,
    text: 0,
    vae_encoder: 0,
    transformer: 0,
    vae_decoder: 0,
  };
  let lastProvider: Provider = providers[0]!;

  const info: EditModelInfo = {
    id: basename(root),
    hashes: {
      'model.json': createHash('sha256').update(manifestText).digest('hex'),
      ...manifest.sourceHashes,
    },
    precision: manifest.precision,
    variant,
    get provider() {
      return lastProvider;
    },
    tokenizer,
    vision: {
      patchSize: visionConfig.patchSize,
      temporalPatchSize: visionConfig.temporalPatchSize,
      mergeSize: visionConfig.spatialMergeSize,
    },
    scheduler: readSchedulerConfig(manifest.scheduler),
    latentsMean: vaeConfig.latentsMean,
    latentsStd: vaeConfig.latentsStd,
    preview: {
      factors: preview?.factors ?? WAN21_LATENT_RGB_FACTORS,
      bias: preview?.bias ?? WAN21_LATENT_RGB_BIAS,
    },
    latentChannels: vaeConfig.zDim,
    vaeScale: 8,
  };

  const tensor = (spec: FeedSpec) =>
    spec.dtype === 'int64'
      ? new ort.Tensor('int64', spec.data, spec.dims)
      : new ort.Tensor('float32', spec.data, spec.dims);
  const f32 = (data: Float32Array, dims: readonly number[]): FeedSpec => ({ dtype: 'float32', data, dims });

  async function runSession(name: ComponentName | 'modulation', feeds: Record<string, FeedSpec>) {
    const session = await loaded.session(name);
    lastProvider = loaded.providerOf(name) ?? lastProvider;
    const inputs: Record<string, ort.Tensor> = {};
    for (const n of session.inputNames) {
      const spec = feeds[n];
      if (!spec) throw new Error(`${name}: the pipeline has no value for graph input '${n}'`);
      inputs[n] = tensor(spec);
    }
    if (name !== 'modulation') runs[name]++;
    return session.run(inputs);
  }

  async function run(
    name: ComponentName,
    feeds: Record<string, FeedSpec>,
    output: string,
  ): Promise<Float32Array> {
    const value = (await runSession(name, feeds))[output];
    if (!value) throw new Error(`${name}: the graph has no output '${output}'`);
    return value.data as Float32Array;
  }

  // Folders converted before the modulation graph existed have a transformer that computes it itself.
  const splitModulation = manifest.components.modulation !== undefined;
  let modulation: ModulationTable | undefined;
  /** One modulation run for all of `sigmas` (its weights are read once per edit, not once per step). */
  async function prepareModulation(sigmas: readonly number[]): Promise<void> {
    // zero_cond_t modulates the reference tokens with σ = 0: its row rides along in the same run.
    const unique = [...new Set(zeroCondT ? [...sigmas, 0] : sigmas)];
    const feeds = { [MODULATION_IO.timestep]: f32(Float32Array.from(unique), [unique.length]) };
    modulation = modulationTable(unique, await runSession('modulation', feeds));
  }

  let ropeMemo: { key: string; feeds: Record<string, FeedSpec> } | undefined;
  // LoRAs can change the modulation weights too: its table is recomputed after every change.
  const loras = loraSessions(root, loaded, () => (modulation = undefined));

  return {
    info,
    runs,
    encodeImage: (pixelValues, gridThw) =>
      run('vision', visionGraphFeeds(pixelValues, [gridThw], visionConfig), VISION_IO.imageEmbeds),
    async encodeText(ids, imageEmbeds, grids) {
      const feeds = textGraphFeeds(
        [Array.from(ids)],
        grids,
        imageEmbeds,
        textConfig,
        visionConfig.spatialMergeSize,
      );
      return { hidden: await run('text', feeds, TEXT_IO.lastHiddenState), width: textConfig.hiddenSize };
    },
    vaeEncode: (image, width, height) =>
      run('vae_encoder', { [VAE_IO.encoderIn]: f32(image, [1, 3, height, width]) }, VAE_IO.encoderOut),
    async transformer(tokens, text, textTokens, timestep, grids: readonly TokenGrid[]) {
      const key = JSON.stringify([textTokens, grids]);
      if (ropeMemo?.key !== key) {
        const r = qwenImageRopeTables({ axesDims, images: grids, textTokens });
        ropeMemo = {
          key,
          feeds: {
            [TRANSFORMER_INPUTS.imgRopeCos]: f32(r.imageCos, [r.imageTokens, r.pairs]),
            [TRANSFORMER_INPUTS.imgRopeSin]: f32(r.imageSin, [r.imageTokens, r.pairs]),
            [TRANSFORMER_INPUTS.txtRopeCos]: f32(r.textCos, [r.textTokens, r.pairs]),
            [TRANSFORMER_INPUTS.txtRopeSin]: f32(r.textSin, [r.textTokens, r.pairs]),
            [TRANSFORMER_INPUTS.encoderHiddenStatesMask]: f32(new Float32Array(textTokens).fill(1), [
              1,
              textTokens,
            ]),
            ...(zeroCondT ? { [TRANSFORMER_INPUTS.modulateIndex]: modulateIndex(grids) } : {}),
          },
        };
      }
      // σ as the graph sees it (float32), so it matches the modulation table's rows.
      const sigma = Math.fround(timestep);
      if (
        splitModulation &&
        !(modulation?.sigmas.includes(sigma) && (!zeroCondT || modulation.sigmas.includes(0)))
      )
        await prepareModulation([sigma]);
      const imageTokens = grids.reduce((a, [f, h, w]) => a + f * h * w, 0);
      return run(
        'transformer',
        {
          ...ropeMemo.feeds,
          [TRANSFORMER_INPUTS.hiddenStates]: f32(tokens, [1, imageTokens, tokens.length / imageTokens]),
          [TRANSFORMER_INPUTS.encoderHiddenStates]: f32(text, [1, textTokens, text.length / textTokens]),
          ...(splitModulation
            ? modulationFeeds(modulation!, [sigma], zeroCondT)
            : { [TRANSFORMER_INPUTS.timestep]: f32(new Float32Array([timestep]), [1]) }),
        },
        TRANSFORMER_OUTPUT,
      );
    },
    async prepareTimesteps(timesteps) {
      if (splitModulation) await prepareModulation(Array.from(timesteps, (t) => Math.fround(t)));
    },
    useLoras: (choices) => loras.use(choices),
    vaeDecode: (latents, latentWidth, latentHeight) =>
      run(
        'vae_decoder',
        {
          [VAE_IO.decoderIn]: f32(latents, [
            1,
            latents.length / (latentWidth * latentHeight),
            latentHeight,
            latentWidth,
          ]),
        },
        VAE_IO.decoderOut,
      ),
    openComponents: () => COMPONENT_NAMES.filter((c) => loaded.providerOf(c) !== undefined),
    async release(components) {
      for (const c of components) await loaded.release(c);
      if (splitModulation && components.includes('transformer')) await loaded.release('modulation');
    },
    async close() {
      await loaded.release();
    },
  };
}
