import { basename, dirname, extname, join, resolve } from 'node:path';
import type { Region } from '../../src/pipeline/region-mask';
import { numberOption, parseEditArgs, requestFields, withPipeline } from '../edit-options';
import { progressBar, writeAtomic } from '../output';

export const summary =
  'edit an image by instruction: --image in.png --prompt "…" [--model <dir>] [--negative " "] [--seed N] [--cfg 4] [--steps 50] [--size WxH] [--area 1048576] [--output-mode source|whole] [--mask m.png | --box x,y,w,h] [--feather 8] [--out out.png] [--recipe out.json] [--provider auto|cuda|cpu] [--low-memory] [--no-negative]';

export async function run(argv: string[]): Promise<number> {
  const values = parseEditArgs(argv, {
    image: { type: 'string' },
    prompt: { type: 'string' },
    mask: { type: 'string' },
    box: { type: 'string' },
    feather: { type: 'string' },
    out: { type: 'string' },
    recipe: { type: 'string' },
  });
  const { image, prompt } = values;
  if (!image || prompt === undefined) {
    console.error(`usage: qwen-edit edit ${summary.slice(summary.indexOf('--image'))}`);
    return 2;
  }
  let region: Region | undefined;
  if (values.mask && values.box) throw new Error('give --mask or --box, not both');
  if (values.mask) region = { kind: 'mask', image: resolve(values.mask) };
  if (values.box) {
    const parts = values.box.split(',').map(Number);
    if (parts.length !== 4 || parts.some((p) => !Number.isFinite(p)))
      throw new Error(`--box must be x,y,w,h, got '${values.box}'`);
    const [x, y, width, height] = parts as [number, number, number, number];
    region = { kind: 'box', x, y, width, height };
  }
  const feather = numberOption('feather', values.feather);
  const fields = requestFields(values);
  return withPipeline(values, async (pipeline) => {
    const result = await pipeline.edit(
      {
        image: resolve(image),
        prompt,
        ...fields,
        ...(region ? { region } : {}),
        ...(feather !== undefined ? { feather } : {}),
      },
      { onStep: progressBar() },
    );
    if (result.status !== 'done') return 1;
    const seed = result.recipe.seed;
    const out = resolve(
      values.out ?? join(dirname(image), `${basename(image, extname(image))}-edit-${seed}.png`),
    );
    await writeAtomic(out, result.png);
    if (values.recipe) {
      const { recipe, timings } = result;
      await writeAtomic(
        resolve(values.recipe),
        Buffer.from(`${JSON.stringify({ output: out, recipe, timings }, null, 2)}\n`),
      );
    }
    const t = result.timings;
    const steps = t.transformerPerStep.length;
    const perStep =
      t.transformerPerStep.reduce((a, b) => a + b, 0) / steps +
      t.hostPerStep.reduce((a, b) => a + b, 0) / steps;
    console.log(
      `${out}: ${result.width}x${result.height}, seed ${seed}, ${steps} steps, CFG ${result.recipe.cfgActive ? result.recipe.cfg : 'off'}, ` +
        `${result.recipe.provider.toUpperCase()}, ${(perStep / 1000).toFixed(2)} s/step, ${(t.total / 1000).toFixed(1)} s total`,
    );
    return 0;
  });
}
