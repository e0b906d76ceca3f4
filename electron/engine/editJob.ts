/**
 * `engine:edit`: one Qwen-Image-Edit run in the engine process. The model opens on first use — the
 * installed model folder when there is one, else the tiny demo model (generated once into the cache) —
 * and stays open with its caches, so the next edit skips what it can.
 */
import { existsSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import {
  EditModelError,
  EditPipeline,
  EditRequestError,
  ensureDemoModel,
  ImageInputError,
  markUsed,
  openEditModel,
  PromptError,
} from '../../native-models/src';
import type { EditRequest, StepEvent } from '../../native-models/src';
import type { EditSettings } from '../shared/contract';
import type { EngineParamsOf, EngineResultOf } from '../shared/engineProtocol';
import { encodePreviewFrame } from '../shared/previewFrame';
import { CodedError } from '../shared/result';
import type { JobContext } from './EngineHost';
import { fitRefusal } from './fitCheck';

let pipeline: Promise<EditPipeline> | null = null;

/** The model folder with a converted model, or the demo model. */
async function openPipeline(modelFolder: string, log: (line: string) => void): Promise<EditPipeline> {
  const dir =
    modelFolder && existsSync(join(modelFolder, 'model.json')) ? modelFolder : await ensureDemoModel(0);
  try {
    const model = await openEditModel(dir, { log });
    const policy = process.env.QWEN_EDIT_MEMORY === 'low-memory' ? 'low-memory' : 'resident';
    return new EditPipeline(model, { memoryPolicy: policy });
  } catch (error) {
    if (error instanceof EditModelError) throw new CodedError('MODEL_INVALID', error.message);
    throw error;
  }
}

export function createEditJob(modelFolder: string, log: (line: string) => void) {
  return async (
    { jobId, image, settings }: EngineParamsOf<'engine:edit'>,
    ctx: JobContext,
  ): Promise<EngineResultOf<'engine:edit'>> => {
    if (!pipeline) {
      // Before anything loads: a model that cannot fit the GPU at this size is refused with the numbers.
      const refusal = await fitRefusal(modelFolder, settings.size ?? { width: 1024, height: 1024 });
      if (refusal) throw new CodedError('MODEL_TOO_LARGE', refusal);
    }
    pipeline ??= openPipeline(modelFolder, log).catch((error: unknown) => {
      pipeline = null; // let the next request try again (e.g. after the user fixes the model folder)
      throw error;
    });
    const p = await pipeline;
    let result;
    try {
      result = await p.edit(toEditRequest(image, settings), {
        signal: ctx.signal,
        onStep: (event: StepEvent) => {
          ctx.preview(
            encodePreviewFrame({
              jobId,
              width: event.preview.width,
              height: event.preview.height,
              pixels: new Uint8Array(
                event.preview.rgba.buffer,
                event.preview.rgba.byteOffset,
                event.preview.rgba.byteLength,
              ),
            }),
          );
          ctx.emit('job:progress', {
            jobId,
            step: event.step,
            total: event.steps,
            elapsedMs: event.elapsedMs,
          });
        },
      });
    } catch (error) {
      if (error instanceof EditRequestError || error instanceof PromptError)
        throw new CodedError('BAD_REQUEST', error.message);
      if (error instanceof ImageInputError) throw new CodedError('INVALID_IMAGE', error.message);
      throw error;
    }
    if (result.status === 'cancelled')
      throw new CodedError('CANCELLED', `cancelled at step ${result.atStep}`);
    // The library's "last used"; a folder outside the library (no install.json) is left alone.
    if (modelFolder) void markUsed(dirname(modelFolder), basename(modelFolder)).catch(() => undefined);
    const { recipe, timings } = result;
    return {
      png: new Uint8Array(result.png.buffer, result.png.byteOffset, result.png.byteLength),
      width: result.width,
      height: result.height,
      model: { id: recipe.model.id, precision: recipe.model.precision, files: { ...recipe.model.hashes } },
      provider: recipe.provider,
      memoryPolicy: recipe.memoryPolicy,
      workingSize: recipe.workingSize,
      timings: {
        total: timings.total,
        vision: timings.vision,
        text: timings.text,
        vaeEncode: timings.vaeEncode,
        vaeDecode: timings.vaeDecode,
        transformer: timings.transformerPerStep.reduce((a, b) => a + b, 0),
      },
      cache: result.cache,
    };
  };
}

function toEditRequest(image: Uint8Array, s: EditSettings): EditRequest {
  return {
    image,
    prompt: s.prompt,
    negativePrompt: s.negativePrompt,
    seed: s.seed,
    cfg: s.cfg,
    steps: s.steps,
    feather: s.feather,
    // An explicit size sets the output and the working area (as the CLI's --size); null keeps ≈1 MP.
    ...(s.size
      ? { width: s.size.width, height: s.size.height, area: Math.max(64 * 64, s.size.width * s.size.height) }
      : {}),
    ...(s.region
      ? { region: s.region.kind === 'box' ? s.region : { kind: 'mask' as const, image: s.region.png } }
      : {}),
  };
}
