/**
 * A deterministic stand-in for the edit pipeline: a real function of the recipe and the input image
 * (seed and prompt decide a tint and an overlay), rendered with sharp. Same recipe + input → same PNG bytes.
 */
import { createHash } from 'node:crypto';
import sharp from 'sharp';

import type { EditRunner, ReplayRequest } from '../replay';

export async function fakeEdit(request: ReplayRequest): Promise<Buffer> {
  const { recipe } = request;
  const h = createHash('sha256')
    .update(`${recipe.seed}\0${recipe.prompt}\0${recipe.cfg}\0${recipe.steps}`)
    .digest();
  const { width, height } = recipe.sizes.output;
  const base = sharp(request.input).resize(width, height, { fit: 'fill' }).removeAlpha();
  const tinted = await base
    .tint({ r: h[0]!, g: h[1]!, b: h[2]! })
    .raw()
    .toBuffer({ resolveWithObject: true });
  // A seed-placed square, so that different seeds move pixels, not only colours.
  const side = Math.max(1, Math.floor(Math.min(width, height) / 4));
  const left = h[3]! % Math.max(1, width - side);
  const top = h[4]! % Math.max(1, height - side);
  const square = await sharp({
    create: { width: side, height: side, channels: 3, background: { r: h[5]!, g: h[6]!, b: h[7]! } },
  })
    .png()
    .toBuffer();
  return sharp(tinted.data, {
    raw: { width: tinted.info.width, height: tinted.info.height, channels: tinted.info.channels },
  })
    .composite([{ input: square, left, top }])
    .png()
    .toBuffer();
}

export const fakeRunner: EditRunner = { run: fakeEdit };
