/**
 * `engine:edit`: one Qwen-Image-Edit run in the engine process. The model opens on first use — the
 * installed model folder when there is one, else the tiny demo model (generated once into the cache) —
 * and stays open with its caches, so the next edit skips what it can.
 */
import { createHash } from 'node:crypto';
import { createReadStream, existsSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import {
  EditError,
  EditPipeline,
  ensureDemoModel,
  LoraLibraryError,
  markUsed,
  ModelFolderError,
  openEditModel,
  resolveLora,
} from '../../native-models/src';
import type { EditErrorCode, LoraChoice, StepEvent } from '../../native-models/src';
import { editRequest } from '../core/editRecipe';
import type { EditSettings, JobStage } from '../shared/contract';
import type { EngineParamsOf, EngineResultOf } from '../shared/engineProtocol';
import { encodePreviewFrame } from '../shared/previewFrame';
import { CodedError } from '../shared/result';
import type { ErrorCode } from '../shared/result';
import type { JobContext } from './EngineHost';
import { fitRefusal } from './fitCheck';
import { modelsRoot } from './modelJobs';

let pipeline: Promise<EditPipeline> | null = null;
/** The model is open (the pipeline promise resolved once): later edits skip the loading stage. */
let pipelineOpened = false;
/** One edit at a time: the pipeline and its caches serve one run, and a second caller is told to wait. */
let editing = false;

/** The model folder with a converted model, or the demo model. */
async function openPipeline(modelFolder: string, log: (line: string) => void): Promise<EditPipeline> {
  const dir =
    modelFolder && existsSync(join(modelFolder, 'model.json')) ? modelFolder : await ensureDemoModel(0);
  const policy = process.env.QWEN_EDIT_MEMORY === 'low-memory' ? 'low-memory' : 'resident';
  const model = await openEditModel(dir, { log, memoryPolicy: policy }).catch(rethrowCoded);
  return new EditPipeline(model, { memoryPolicy: policy });
}

const CONTRACT_CODES: Record<EditErrorCode, ErrorCode> = {
  'invalid-request': 'BAD_REQUEST',
  'invalid-image': 'INVALID_IMAGE',
  'invalid-model': 'MODEL_INVALID',
};

/** The pipeline's errors as the contract's; anything else is an internal error and goes on as it is. */
function rethrowCoded(error: unknown): never {
  if (error instanceof ModelFolderError) throw new CodedError('MODEL_INVALID', error.message);
  throw error instanceof EditError ? new CodedError(CONTRACT_CODES[error.code], error.message) : error;
}

async function fileSha256(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** The settings' LoRAs as files of the library; a recipe's pinned sha256 must still match its file. */
async function loraFiles(settings: EditSettings): Promise<LoraChoice[]> {
  const root = modelsRoot();
  const choices: LoraChoice[] = [];
  for (const { id, strength, sha256 } of settings.loras ?? []) {
    const entry = await resolveLora(root, id).catch((error: unknown) => {
      if (error instanceof LoraLibraryError) throw new CodedError('BAD_REQUEST', error.message);
      throw error;
    });
    if (sha256 && (await fileSha256(entry.path)) !== sha256) {
      throw new CodedError(
        'BAD_REQUEST',
        `the LoRA '${entry.name}' in the library is not the file this recipe used (sha256 differs); put that file back to reproduce it`,
      );
    }
    choices.push({ path: entry.path, strength });
  }
  return choices;
}

export function createEditJob(modelFolder: string, log: (line: string) => void) {
  return async (
    { jobId, image, settings }: EngineParamsOf<'engine:edit'>,
    ctx: JobContext,
  ): Promise<EngineResultOf<'engine:edit'>> => {
    if (editing)
      throw new CodedError('ENGINE_BUSY', 'The engine is running another edit; wait for it or cancel it.');
    editing = true;
    try {
      return await runEdit(jobId, image, settings, ctx);
    } finally {
      editing = false;
    }
  };

  async function runEdit(
    jobId: string,
    image: Uint8Array,
    settings: EditSettings,
    ctx: JobContext,
  ): Promise<EngineResultOf<'engine:edit'>> {
    if (!pipeline) {
      // Before anything loads: a model that cannot fit the GPU at this size is refused with the numbers.
      const refusal = await fitRefusal(modelFolder, settings.size ?? { width: 1024, height: 1024 });
      if (refusal) throw new CodedError('MODEL_TOO_LARGE', refusal);
    }
    const stage = (name: JobStage, step = 0, elapsedMs = 0) =>
      ctx.emit('job:progress', { jobId, step, total: settings.steps, elapsedMs, stage: name });
    // The first edit opens the model (seconds to minutes): the UI says so rather than "Step 0".
    if (!pipelineOpened) stage('loading-model');
    pipeline ??= openPipeline(modelFolder, log).catch((error: unknown) => {
      pipeline = null; // let the next request try again (e.g. after the user fixes the model folder)
      throw error;
    });
    const p = await pipeline;
    pipelineOpened = true;
    stage('encoding');
    const loras = await loraFiles(settings);
    let result;
    try {
      result = await p.edit(editRequest(image, settings, loras), {
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
            stage: 'denoising',
          });
          if (event.step === event.steps) stage('decoding', event.steps, event.elapsedMs);
        },
      });
    } catch (error) {
      rethrowCoded(error);
    }
    if (result.status === 'cancelled')
      throw new CodedError('CANCELLED', `cancelled at step ${result.atStep}`);
    // The library's "last used"; a folder outside the library (no install.json) is left alone.
    if (modelFolder) void markUsed(dirname(modelFolder), basename(modelFolder)).catch(() => undefined);
    const { png, recipe, timings, cache } = result;
    return { png: new Uint8Array(png.buffer, png.byteOffset, png.byteLength), recipe, timings, cache };
  }
}
