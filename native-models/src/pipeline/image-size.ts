/**
 * The sizes the edit pipeline derives from an input image (spec §3.1 and §3.3).
 */
import { EDIT_LIMITS } from './edit-vocabulary';
import type { Size } from './edit-vocabulary';
import { roundHalfEven } from './vae-image';

/**
 * `calculate_dimensions(area, w/h)`: the size of the given area with the image's aspect ratio, each side
 * rounded (half to even, like Python) to a multiple of 32.
 */
export function calculateDimensions(width: number, height: number, area = EDIT_LIMITS.area.default): Size {
  const ratio = width / height;
  const w = Math.sqrt(area * ratio);
  const h = w / ratio;
  return { width: roundHalfEven(w / 32) * 32, height: roundHalfEven(h / 32) * 32 };
}

/**
 * The output size: a user-chosen size (each side floored to a multiple of 16) or the calculated one.
 */
export function outputSize(calculated: Size, requested?: Partial<Size>): Size {
  const w = requested?.width ?? calculated.width;
  const h = requested?.height ?? calculated.height;
  return { width: Math.floor(w / 16) * 16, height: Math.floor(h / 16) * 16 };
}

export type SmartResizeOptions = Readonly<{ factor: number; minPixels: number; maxPixels: number }>;

/** Qwen2-VL processor defaults (`preprocessor_config.json` of Qwen2.5-VL-7B-Instruct). */
export const QWEN2_VL_RESIZE: SmartResizeOptions = {
  factor: 28,
  minPixels: 56 * 56,
  maxPixels: 28 * 28 * 16384,
};

/** Qwen2-VL `smart_resize`: both sides multiples of `factor`, pixel count within [min, max]. */
export function smartResize(
  height: number,
  width: number,
  options: SmartResizeOptions = QWEN2_VL_RESIZE,
): Size {
  const { factor, minPixels, maxPixels } = options;
  if (height < factor || width < factor) {
    throw new Error(`image of ${width}x${height} is smaller than the vision patch factor ${factor}`);
  }
  if (Math.max(height, width) / Math.min(height, width) > 200) {
    throw new Error(`aspect ratio of ${width}x${height} exceeds 200`);
  }
  let h = roundHalfEven(height / factor) * factor;
  let w = roundHalfEven(width / factor) * factor;
  if (h * w > maxPixels) {
    const beta = Math.sqrt((height * width) / maxPixels);
    h = Math.max(factor, Math.floor(height / beta / factor) * factor);
    w = Math.max(factor, Math.floor(width / beta / factor) * factor);
  } else if (h * w < minPixels) {
    const beta = Math.sqrt(minPixels / (height * width));
    h = Math.ceil((height * beta) / factor) * factor;
    w = Math.ceil((width * beta) / factor) * factor;
  }
  return { width: w, height: h };
}
