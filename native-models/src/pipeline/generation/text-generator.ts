/**
 * The prompt enhancer and captions on a converted model folder: the vision tower for the image, the generator
 * graph (language model + lm_head + key/value cache) for the text, the folder's tokenizer and
 * generation_config.json. Sessions open on first use; `release()` frees them (the low-memory policy calls it
 * after every run so denoising gets the memory back).
 */
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import * as ort from 'onnxruntime-node';
import { readGenerationConfig } from '../../config/generation';
import type { GenerationDefaults } from '../../config/generation';
import { readTextEncoderConfig } from '../../config/text-encoder';
import { visionGraphFeeds } from '../../graphs/vision/feeds';
import { VISION_IO } from '../../graphs/vision/graph';
import { openModel } from '../../model-store/open-model';
import type { LoadedModel } from '../../model-store/open-model';
import type { VerifyMode } from '../../model-store/verify';
import { cudaProviderInstalled, providerFromEnv, providerOrder } from '../execution-provider';
import type { ProviderChoice } from '../execution-provider';
import { smartResize } from '../image-size';
import { ImageInputError } from '../load-image';
import type { RgbImage } from '../load-image';
import { resizeLikePil } from '../pil-resample';
import { loadPromptTokenizer } from '../tokenizer';
import { patchify } from '../vision-input';
import { generateTokens } from './generate';
import type { GenerateResult } from './generate';
import { ortGeneratorStep } from './ort-step';
import { parseTextLines, taskPromptTokens } from './prompts';
import type { TextLine, TextTask } from './prompts';
import type { SamplingOptions } from './sampling';
import { textStream } from './text-stream';

/** The model folder cannot generate text; the message says why (e.g. its checkpoint had no lm_head). */
export class TextGeneratorUnavailable extends Error {
  override name = 'TextGeneratorUnavailable';
}

/** Image budget for captions and the enhancer: 448² pixels, 256 merged vision tokens, keeps prefill short. */
export const GENERATION_MAX_PIXELS = 448 * 448;

export const DEFAULT_MAX_NEW_TOKENS: Readonly<Record<TextTask, number>> = {
  enhance: 256,
  describe: 128,
  ocr: 512,
};

export type TextTaskRequest = Readonly<{
  task: TextTask;
  /** The user's instruction (enhance); ignored by describe and ocr. */
  instruction?: string;
  image?: RgbImage;
  maxNewTokens?: number;
  /** Default greedy (reproducible); temperature/topK/topP/seed to sample. */
  sampling?: SamplingOptions;
  signal?: AbortSignal;
  /** Text as it is generated, in pieces that never split a character. */
  onText?: (delta: string) => void;
}>;

export type TextTaskResult = Readonly<{
  text: string;
  /** OCR: the answer as lines (with boxes where the model gave them). */
  lines?: readonly TextLine[];
  tokens: readonly number[];
  reason: GenerateResult['reason'];
}>;

export interface TextGenerator {
  run(request: TextTaskRequest): Promise<TextTaskResult>;
  /** Frees the vision and generator sessions; the next run opens them again. */
  release(): Promise<void>;
}

export type OpenTextGeneratorOptions = Readonly<{
  provider?: ProviderChoice;
  verify?: VerifyMode;
  threads?: number;
  log?: (line: string) => void;
}>;

/** Opens the generator of a converted model folder; throws {@link TextGeneratorUnavailable} when it has none. */
export async function openTextGenerator(
  dir: string,
  options: OpenTextGeneratorOptions = {},
): Promise<TextGenerator> {
  const root = resolve(dir);
  const loaded: LoadedModel = await openModel(root, {
    providers: providerOrder(options.provider ?? providerFromEnv(), cudaProviderInstalled()),
    verify: options.verify ?? 'auto',
    ...(options.log ? { log: options.log } : {}),
    sessionOptions: {
      graphOptimizationLevel: 'all',
      ...(options.threads ? { intraOpNumThreads: options.threads } : {}),
    },
  });
  const entry = loaded.manifest.components.generator;
  if (!entry) {
    throw new TextGeneratorUnavailable(
      `${root} has no text generator: its checkpoint lacks lm_head.weight, or it was converted before the generator existed (convert it again)`,
    );
  }
  const config = readTextEncoderConfig(loaded.manifest.configs.text_encoder);
  const tokenizer = await loadPromptTokenizer(join(root, loaded.manifest.tokenizer.dir));
  const defaults = await generationDefaults(root, entry.files, () => [
    tokenizer.tokenId('<|im_end|>'),
    tokenizer.tokenId('<|endoftext|>'),
  ]);
  const vision = config.vision;

  async function imageEmbeds(image: RgbImage) {
    const factor = vision.patchSize * vision.spatialMergeSize;
    // A crop smaller than one merged patch (a word boxed by the text tool) is enlarged to it; only an
    // extreme aspect ratio is refused.
    const grow = Math.max(1, factor / Math.min(image.height, image.width));
    if (Math.max(image.height, image.width) / Math.min(image.height, image.width) > 200)
      throw new ImageInputError(
        `the ${image.width}×${image.height} image is too thin to read (aspect over 200)`,
      );
    const size = smartResize(Math.ceil(image.height * grow), Math.ceil(image.width * grow), {
      factor,
      minPixels: factor * factor,
      maxPixels: GENERATION_MAX_PIXELS,
    });
    const input = patchify(resizeLikePil(image, size.width, size.height, 'bicubic'), {
      patchSize: vision.patchSize,
      temporalPatchSize: vision.temporalPatchSize,
      mergeSize: vision.spatialMergeSize,
    });
    const feeds = visionGraphFeeds(input.pixelValues, [input.gridThw], vision);
    const session = await loaded.session('vision');
    const tensors: Record<string, ort.Tensor> = {};
    for (const [name, f] of Object.entries(feeds)) tensors[name] = new ort.Tensor(f.dtype, f.data, f.dims);
    const out = await session.run(tensors);
    return {
      embeds: out[VISION_IO.imageEmbeds]!.data as Float32Array,
      grid: input.gridThw,
      tokens: input.mergedTokens,
    };
  }

  return {
    async run(request) {
      const instruction = request.instruction?.trim() ?? '';
      if (request.task === 'enhance' && !instruction)
        throw new TextGeneratorUnavailable('enhance needs an instruction to rewrite');
      const image = request.image ? await imageEmbeds(request.image) : undefined;
      const prompt = taskPromptTokens(tokenizer, request.task, instruction, image?.tokens ?? 0);
      const stream = textStream((ids) => tokenizer.decode(ids));
      const step = ortGeneratorStep(await loaded.session('generator'), config);
      const result = await generateTokens(step, config, {
        prompt,
        ...(image ? { imageGrids: [image.grid], imageEmbeds: image.embeds } : {}),
        maxNewTokens: request.maxNewTokens ?? DEFAULT_MAX_NEW_TOKENS[request.task],
        stopTokens: defaults.stopTokens,
        sampling: request.sampling ?? {},
        ...(request.signal ? { signal: request.signal } : {}),
        onToken: (token) => {
          const delta = stream.push(token);
          if (delta) request.onText?.(delta);
        },
      });
      const text = stream.text().trim();
      return {
        text,
        ...(request.task === 'ocr' ? { lines: parseTextLines(text) } : {}),
        tokens: result.tokens,
        reason: result.reason,
      };
    },
    async release() {
      await loaded.release('generator');
      await loaded.release('vision');
    },
  };
}

async function generationDefaults(
  root: string,
  files: readonly string[],
  fallbackStops: () => number[],
): Promise<GenerationDefaults> {
  const file = files.find((f) => f.endsWith('generation_config.json'));
  if (!file) return { stopTokens: fallbackStops(), doSample: false };
  return readGenerationConfig(JSON.parse(await readFile(join(root, file), 'utf8')), join(root, file));
}
