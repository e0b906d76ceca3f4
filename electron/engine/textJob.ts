/**
 * `engine:text`: the offline prompt enhancer and captions in the engine process. The text generator opens on
 * first use on the installed model folder (or the demo model) and stays open under the resident memory
 * policy; under low-memory it is released after every answer, so the edit that follows gets the memory back.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import {
  ensureDemoModel,
  ImageInputError,
  loadRgbImage,
  openTextGenerator,
  TextGeneratorUnavailable,
} from '../../native-models/src';
import type { TextGenerator } from '../../native-models/src';
import type { EngineParamsOf, EngineResultOf } from '../shared/engineProtocol';
import { CodedError } from '../shared/result';
import type { JobContext } from './EngineHost';

let generator: Promise<{ generator: TextGenerator; demo: boolean }> | null = null;

async function open(modelFolder: string, log: (line: string) => void) {
  const installed = Boolean(modelFolder) && existsSync(join(modelFolder, 'model.json'));
  const dir = installed ? modelFolder : await ensureDemoModel(0);
  return { generator: await openTextGenerator(dir, { log }), demo: !installed };
}

export function createTextJob(modelFolder: string, log: (line: string) => void) {
  const lowMemory = process.env.QWEN_EDIT_MEMORY === 'low-memory';
  return async (
    { jobId, image, task, instruction }: EngineParamsOf<'engine:text'>,
    ctx: JobContext,
  ): Promise<EngineResultOf<'engine:text'>> => {
    generator ??= open(modelFolder, log).catch((error: unknown) => {
      generator = null;
      throw error;
    });
    let opened;
    try {
      opened = await generator;
    } catch (error) {
      if (error instanceof TextGeneratorUnavailable) throw new CodedError('MODEL_INVALID', error.message);
      throw error;
    }
    try {
      const rgb = await loadRgbImage(image);
      const result = await opened.generator.run({
        task,
        ...(instruction !== undefined ? { instruction } : {}),
        image: rgb,
        signal: ctx.signal,
        onText: (delta) => ctx.emit('text:delta', { jobId, delta }),
      });
      return {
        text: result.text,
        ...(result.lines
          ? { lines: result.lines.map((l) => ({ ...l, ...(l.box ? { box: [...l.box] } : {}) })) }
          : {}),
        reason: result.reason,
        demo: opened.demo,
      } as EngineResultOf<'engine:text'>;
    } catch (error) {
      if (error instanceof TextGeneratorUnavailable) throw new CodedError('BAD_REQUEST', error.message);
      if (error instanceof ImageInputError) throw new CodedError('INVALID_IMAGE', error.message);
      throw error;
    } finally {
      if (lowMemory) await opened.generator.release();
    }
  };
}
