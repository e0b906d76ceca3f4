/**
 * Phase correlation: the global shift between two grey images from the peak of their normalised
 * cross-power spectrum. Robust to a local edit (it changes a part of the spectrum's phase, not the
 * peak's position) and to brightness changes; it gives the initial shift that Gauss-Newton refines.
 */
import { fft2d, nextPowerOfTwo } from './fft';
import type { GreyImage } from './pyramid';

export type PhaseShift = Readonly<{
  /** `b(p) ≈ a(p − (dx, dy))`: content of `a` moved by (dx, dy) in `b`. */
  dx: number;
  dy: number;
  /** Peak height of the correlation surface (higher is a clearer match; relative, not a probability). */
  peak: number;
}>;

/**
 * Both images must have the same size. Each is mean-subtracted and Hann-windowed (so the image border is
 * not a dominant edge), zero-padded to powers of two, and the sub-pixel peak is a log-parabola fit per axis.
 */
export function phaseCorrelate(a: GreyImage, b: GreyImage): PhaseShift {
  if (a.width !== b.width || a.height !== b.height) throw new Error('phase correlation needs equal sizes');
  const { width, height } = a;
  const W = nextPowerOfTwo(width);
  const H = nextPowerOfTwo(height);
  const spectrum = (img: GreyImage) => {
    let mean = 0;
    for (let i = 0; i < img.data.length; i++) mean += img.data[i]!;
    mean /= img.data.length;
    const re = new Float64Array(W * H);
    const im = new Float64Array(W * H);
    for (let y = 0; y < height; y++) {
      const wy = 0.5 - 0.5 * Math.cos((2 * Math.PI * (y + 0.5)) / height);
      for (let x = 0; x < width; x++) {
        const wx = 0.5 - 0.5 * Math.cos((2 * Math.PI * (x + 0.5)) / width);
        re[y * W + x] = (img.data[y * width + x]! - mean) * wx * wy;
      }
    }
    fft2d(re, im, W, H);
    return { re, im };
  };
  const fa = spectrum(a);
  const fb = spectrum(b);
  // R = conj(A)·B / |conj(A)·B|: its inverse transform peaks at the shift of b relative to a.
  const re = new Float64Array(W * H);
  const im = new Float64Array(W * H);
  // Whitening alone gives the frequencies where the images hold only quantisation noise as much say as the
  // rest: a Gaussian low-pass (σ 0.15 cycles/px) keeps the peak high and makes its shape a Gaussian of
  // σ ≈ 1 px, whose sub-pixel centre a log-parabola recovers exactly.
  const sigmaF = 0.15;
  for (let v = 0; v < H; v++) {
    const fy = (v <= H / 2 ? v : v - H) / H;
    for (let u = 0; u < W; u++) {
      const fx = (u <= W / 2 ? u : u - W) / W;
      const i = v * W + u;
      const ar = fa.re[i]!;
      const ai = -fa.im[i]!;
      const br = fb.re[i]!;
      const bi = fb.im[i]!;
      const pr = ar * br - ai * bi;
      const pi = ar * bi + ai * br;
      const mag = Math.hypot(pr, pi);
      if (mag > 1e-12) {
        const g = Math.exp(-(fx * fx + fy * fy) / (2 * sigmaF * sigmaF)) / mag;
        re[i] = pr * g;
        im[i] = pi * g;
      }
    }
  }
  fft2d(re, im, W, H, true);
  let best = 0;
  for (let i = 1; i < re.length; i++) if (re[i]! > re[best]!) best = i;
  const px = best % W;
  const py = Math.floor(best / W);
  const at = (x: number, y: number) => re[((y + H) % H) * W + ((x + W) % W)]!;
  const peak = at(px, py);
  const sub = (m: number, c: number, p: number) => {
    if (!(m > 0 && c > 0 && p > 0)) return 0;
    const lm = Math.log(m);
    const lc = Math.log(c);
    const lp = Math.log(p);
    const d = lm - 2 * lc + lp;
    return d < 0 ? Math.max(-0.5, Math.min(0.5, (0.5 * (lm - lp)) / d)) : 0;
  };
  const fx = sub(at(px - 1, py), peak, at(px + 1, py));
  const fy = sub(at(px, py - 1), peak, at(px, py + 1));
  const wrap = (v: number, n: number) => (v > n / 2 ? v - n : v);
  return { dx: wrap(px, W) + fx, dy: wrap(py, H) + fy, peak };
}
