/**
 * Output aspects designers use (issue 12 §2): poster, print and social ratios and the ISO A series, as
 * width:height. A preset fits the current custom size's area to the ratio, on the model's 16-pixel grid.
 */
import { EDIT_LIMITS } from '../../../electron/shared/editVocabulary';
import type { PixelSize } from './paramsSlice';

export type AspectPreset = Readonly<{ id: string; label: string; ratio: number }>;

/** A-series sheets are 1:√2 whatever their size (A4 is 210×297 mm, 2480×3508 at 300 dpi). */
export const ASPECT_PRESETS: readonly AspectPreset[] = [
  { id: '2:3', label: '2:3 poster', ratio: 2 / 3 },
  { id: '3:4', label: '3:4 print', ratio: 3 / 4 },
  { id: '4:5', label: '4:5 social portrait', ratio: 4 / 5 },
  { id: '1:1', label: '1:1 square', ratio: 1 },
  { id: '9:16', label: '9:16 story', ratio: 9 / 16 },
  { id: '16:9', label: '16:9 screen', ratio: 16 / 9 },
  { id: 'A-portrait', label: 'A series portrait (A4, A3…)', ratio: 1 / Math.SQRT2 },
  { id: 'A-landscape', label: 'A series landscape', ratio: Math.SQRT2 },
];

const side = (v: number) =>
  Math.max(EDIT_LIMITS.side.min, Math.min(EDIT_LIMITS.side.max, Math.round(v / 16) * 16));

/** The size of about `area` pixels at `ratio` (width / height), each side a multiple of 16. */
export function sizeAtAspect(ratio: number, area: number): PixelSize {
  const w = Math.sqrt(area * ratio);
  return { width: side(w), height: side(w / ratio) };
}

/** With the aspect locked, a changed side carries the other along (on the 16-pixel grid). */
export function lockedResize(previous: PixelSize, next: PixelSize): PixelSize {
  const ratio = previous.width / previous.height;
  if (next.width !== previous.width) return { width: side(next.width), height: side(next.width / ratio) };
  if (next.height !== previous.height) return { width: side(next.height * ratio), height: side(next.height) };
  return previous;
}

/**
 * A warning when the output's aspect differs from the source's by more than 1 %: pasted back or not, the
 * model then sees the picture stretched.
 */
export function aspectWarning(output: PixelSize, source: PixelSize | null): string | null {
  if (!source) return null;
  const a = output.width / output.height;
  const b = source.width / source.height;
  if (Math.abs(a / b - 1) <= 0.01) return null;
  const fmt = (r: number) => (r >= 1 ? `${r.toFixed(2)}:1` : `1:${(1 / r).toFixed(2)}`);
  return `The output's aspect (${fmt(a)}) differs from the source's (${fmt(b)}): the picture will be stretched.`;
}
