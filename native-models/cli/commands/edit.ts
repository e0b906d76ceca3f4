import { randomInt } from 'node:crypto';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { EDIT_LIMITS } from '../../src/pipeline/edit-vocabulary';
import type { Region } from '../../src/pipeline/edit-vocabulary';
import { exclusive, parseOptions, rangeOption, requireOptions } from '../arguments';
import {
  checkPrompt,
  EDIT_OPTIONS,
  editOptionsHelp,
  pipelineSettings,
  requestFields,
  withPipeline,
} from '../edit-options';
import { checkInputFile } from '../input-file';
import {
  LIGHTNING_OPTIONS,
  LORA_OPTION,
  lightningFields,
  lightningHelp,
  loraChoices,
  loraHelp,
} from '../lora-options';
import { encodeImage, progressBar, writeAtomic } from '../output';
import { checkOutputFile, imageFormatOf } from '../output-target';
import { UsageError } from '../usage-error';
import { MAX_REFERENCE_IMAGES } from '../../src/pipeline/edit-request';

export const summary = 'edit an image by instruction: --image in.png --prompt "…" [--out out.png] [options]';

export const usage = `edit --image <file> [--image <file> …] --prompt "…" [options]

Edits one image by instruction, with a progress bar on stderr; prints the output's path, size, seed and
speed on stdout.

options:
  --image <file>       the input image (PNG, JPEG, WebP, …); repeat it for reference images on
                       Qwen-Image-Edit-2509/2511: the first is the canvas ("Picture 1", the output
                       follows it), the next ones "Picture 2", "Picture 3", … (at most ${MAX_REFERENCE_IMAGES} more)
  --prompt "…"         the instruction (not empty)
  --out <file>         .png, .jpg, .jpeg or .webp (default: <image>-edit-<seed>.png beside the input)
  --overwrite          replace --out or --recipe if it exists (default: refuse)
  --recipe <file>      also write the recipe (everything needed to reproduce it) as JSON
  --box x,y,w,h        edit only this box (input pixels); outside it the input's pixels stay exactly
  --mask <file>        edit only where the mask is white
  --feather N          feather width inside the region, ${EDIT_LIMITS.feather.min} to ${EDIT_LIMITS.feather.max} (default ${EDIT_LIMITS.feather.default})
${editOptionsHelp('random, reported')}
${loraHelp('fused when the model loads (fp32/bf16 models)')}
${lightningHelp}`;

function boxOption(text: string): Region {
  const parts = text.split(',').map((p) => (p.trim() === '' ? NaN : Number(p)));
  if (
    parts.length !== 4 ||
    parts.some((p) => !Number.isInteger(p) || p < 0) ||
    parts[2] === 0 ||
    parts[3] === 0
  )
    throw new UsageError(`--box must be x,y,w,h in whole pixels (w and h at least 1), got '${text}'`);
  const [x, y, width, height] = parts as [number, number, number, number];
  return { kind: 'box', x, y, width, height };
}

export async function run(argv: string[]): Promise<number> {
  const values = parseOptions(argv, {
    ...EDIT_OPTIONS,
    ...LORA_OPTION,
    ...LIGHTNING_OPTIONS,
    image: { type: 'string', multiple: true },
    prompt: { type: 'string' },
    mask: { type: 'string' },
    box: { type: 'string' },
    feather: { type: 'string' },
    out: { type: 'string' },
    recipe: { type: 'string' },
    overwrite: { type: 'boolean' },
  });
  // Every argument is checked before anything is read, written or loaded.
  requireOptions(values, 'image', 'prompt');
  const prompt = checkPrompt(values.prompt!);
  const fields = { ...requestFields(values), ...lightningFields(values) };
  const settings = pipelineSettings(values);
  exclusive(values, 'mask', 'box');
  const region: Region | undefined = values.mask
    ? { kind: 'mask', image: resolve(values.mask) }
    : values.box !== undefined
      ? boxOption(values.box)
      : undefined;
  const feather = rangeOption('feather', values.feather, EDIT_LIMITS.feather);
  const format = values.out !== undefined ? imageFormatOf(values.out) : 'png';
  // A seed drawn here rather than in the pipeline names the default output before the run.
  const seed = fields.seed ?? randomInt(EDIT_LIMITS.seed.max + 1);
  const [image = '', ...references] = values.image!.map((p) => resolve(p));
  if (references.length > MAX_REFERENCE_IMAGES)
    throw new UsageError(
      `--image may be given at most ${MAX_REFERENCE_IMAGES + 1} times (the canvas and ${MAX_REFERENCE_IMAGES} references), got ${references.length + 1}`,
    );
  const out = resolve(
    values.out ?? join(dirname(image), `${basename(image, extname(image))}-edit-${seed}.png`),
  );
  const recipePath = values.recipe !== undefined ? resolve(values.recipe) : undefined;
  const overwrite = values.overwrite === true;

  // Then the files: inputs readable, outputs creatable.
  for (const file of [image, ...references]) await checkInputFile(file);
  const loras = await loraChoices(values);
  if (region?.kind === 'mask') await checkInputFile(region.image as string);
  await checkOutputFile(out, overwrite);
  if (recipePath) await checkOutputFile(recipePath, overwrite);

  return withPipeline(settings, async (pipeline) => {
    const result = await pipeline.edit(
      {
        ...fields,
        image,
        ...(references.length > 0 ? { references } : {}),
        prompt,
        seed,
        ...(loras.length ? { loras } : {}),
        ...(region ? { region } : {}),
        ...(feather !== undefined ? { feather } : {}),
      },
      { onStep: progressBar() },
    );
    if (result.status !== 'done') return 1;
    await writeAtomic(out, await encodeImage(result, format));
    if (recipePath) {
      const { recipe, timings } = result;
      await writeAtomic(
        recipePath,
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
