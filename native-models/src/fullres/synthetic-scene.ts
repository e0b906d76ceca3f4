/**
 * A deterministic textured test scene for the full-resolution tests and bench, rendered analytically at
 * any zoom and shift, so a "drifted model output" has exact ground truth and no resampling error of its
 * own. Sums of oriented sinusoids (0.01–0.12 cycles/px) and soft blobs: texture at every scale, no
 * periodicity a phase correlation could lock onto wrongly.
 */
import type { RgbImage } from '../pipeline/load-image';
import type { Rect } from './working-map';
import type { Similarity } from './similarity';

/** Small, fast, seedable PRNG (mulberry32). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Wave = { u: number; v: number; phase: number; rgb: [number, number, number] };
type Blob = { x: number; y: number; sigma: number; rgb: [number, number, number] };

export type SceneEdit = Readonly<{
  /** The edited area in output pixels. */
  rect: Rect;
  /** `recolour`: the scene with a colour shift; `blob`: a new soft disc of this colour. */
  kind: 'recolour' | 'blob';
}>;

export class SyntheticScene {
  private readonly waves: Wave[] = [];
  private readonly blobs: Blob[] = [];

  constructor(
    readonly width: number,
    readonly height: number,
    seed = 1,
  ) {
    const rnd = prng(seed);
    const colour = (amp: number): [number, number, number] => [
      (rnd() - 0.5) * amp,
      (rnd() - 0.5) * amp,
      (rnd() - 0.5) * amp,
    ];
    for (let k = 0; k < 14; k++) {
      // Only axis-separable waves (u or v can be anything; the sum formula below is exact for any u, v).
      const f = 0.01 + 0.11 * rnd() ** 1.5;
      const ang = rnd() * Math.PI;
      this.waves.push({
        u: 2 * Math.PI * f * Math.cos(ang),
        v: 2 * Math.PI * f * Math.sin(ang),
        phase: rnd() * 6.283,
        rgb: colour(40),
      });
    }
    for (let k = 0; k < 24; k++)
      this.blobs.push({
        x: rnd() * width,
        y: rnd() * height,
        sigma: 6 + rnd() * Math.min(width, height) * 0.06,
        rgb: colour(160),
      });
  }

  /**
   * The scene as the model's output would show it after drift `t` (content at input point p appears at
   * T(p)), with an optional edit drawn in output coordinates. The transform has no rotation, so every term
   * is a product of a function of x and one of y, computed once per column and row.
   */
  render(t: Similarity = { scale: 1, tx: 0, ty: 0 }, edit?: SceneEdit): RgbImage {
    const { width, height } = this;
    const cx = (width - 1) / 2;
    const cy = (height - 1) / 2;
    // Input coordinates of each output column / row: T⁻¹(q) = c + (q − c − t)/scale.
    const xs = Float64Array.from({ length: width }, (_, x) => cx + (x - cx - t.tx) / t.scale);
    const ys = Float64Array.from({ length: height }, (_, y) => cy + (y - cy - t.ty) / t.scale);
    const acc = new Float32Array(width * height * 3).fill(128);
    for (const w of this.waves) {
      // sin(ux + vy + φ) = sin(ux)·cos(vy + φ) + cos(ux)·sin(vy + φ)
      const sx = xs.map((x) => Math.sin(w.u * x));
      const cxs = xs.map((x) => Math.cos(w.u * x));
      const sy = ys.map((y) => Math.sin(w.v * y + w.phase));
      const cys = ys.map((y) => Math.cos(w.v * y + w.phase));
      this.addSeparable(acc, sx, cys, cxs, sy, w.rgb);
    }
    for (const b of this.blobs) {
      const gx = xs.map((x) => Math.exp(-((x - b.x) ** 2) / (2 * b.sigma * b.sigma)));
      const gy = ys.map((y) => Math.exp(-((y - b.y) ** 2) / (2 * b.sigma * b.sigma)));
      this.addSeparable(acc, gx, gy, null, null, b.rgb);
    }
    if (edit) this.drawEdit(acc, edit);
    const rgb = new Uint8Array(acc.length);
    for (let i = 0; i < acc.length; i++) rgb[i] = Math.max(0, Math.min(255, Math.round(acc[i]!)));
    return { width, height, rgb };
  }

  private addSeparable(
    acc: Float32Array,
    ax: Float64Array,
    ay: Float64Array,
    bx: Float64Array | null,
    by: Float64Array | null,
    rgb: readonly number[],
  ): void {
    const { width, height } = this;
    const [r, g, b] = rgb as [number, number, number];
    // A blob (no second term) is skipped where it is below 1e-4 of its amplitude (< 0.02 levels): most of
    // the image, for the small ones.
    const span = (a: Float64Array, n: number) => {
      if (bx) return [0, n] as const;
      let lo = 0;
      let hi = n;
      while (lo < n && Math.abs(a[lo]!) < 1e-4) lo++;
      while (hi > lo && Math.abs(a[hi - 1]!) < 1e-4) hi--;
      return [lo, hi] as const;
    };
    const [x0, x1] = span(ax, width);
    const [y0, y1] = span(ay, height);
    for (let y = y0; y < y1; y++) {
      const ay0 = ay[y]!;
      const by0 = by ? by[y]! : 0;
      let k = (y * width + x0) * 3;
      for (let x = x0; x < x1; x++, k += 3) {
        const v = ax[x]! * ay0 + (bx ? bx[x]! * by0 : 0);
        acc[k] = acc[k]! + r * v;
        acc[k + 1] = acc[k + 1]! + g * v;
        acc[k + 2] = acc[k + 2]! + b * v;
      }
    }
  }

  private drawEdit(acc: Float32Array, edit: SceneEdit): void {
    const { width } = this;
    const { x, y, width: w, height: h } = edit.rect;
    const ecx = x + w / 2;
    const ecy = y + h / 2;
    for (let j = Math.max(0, y); j < Math.min(this.height, y + h); j++) {
      for (let i = Math.max(0, x); i < Math.min(width, x + w); i++) {
        const k = (j * width + i) * 3;
        if (edit.kind === 'recolour') {
          // Swap red and blue and brighten: a plain recolouring that keeps the texture.
          const r = acc[k]!;
          acc[k] = acc[k + 2]! + 40;
          acc[k + 1] = acc[k + 1]! - 30;
          acc[k + 2] = r + 40;
        } else {
          const d = Math.hypot((i - ecx) / (w / 2), (j - ecy) / (h / 2));
          if (d >= 1) continue;
          const a = d < 0.8 ? 1 : (1 - d) / 0.2;
          acc[k] = acc[k]! * (1 - a) + 230 * a;
          acc[k + 1] = acc[k + 1]! * (1 - a) + 40 * a;
          acc[k + 2] = acc[k + 2]! * (1 - a) + 200 * a;
        }
      }
    }
  }
}
