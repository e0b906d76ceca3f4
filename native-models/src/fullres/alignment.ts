/**
 * Drift estimation (issue 12 §1): the residual global zoom and shift between the input at working size
 * and the model's decoded output, measured on the pixels the edit did not change.
 *
 * 1. Luminance pyramids of both images (2× box levels).
 * 2. Phase correlation at a coarse level (~256 px) for the initial shift: robust to the edited area and
 *    wide enough for drifts of tens of pixels.
 * 3. Coarse-to-fine Gauss-Newton on (scale, tx, ty) minimising `Σ ρ(O(T(p)) − I(p))` with Tukey's biweight
 *    ρ, its scale from the residuals' median absolute deviation: the edited area's residuals are far
 *    outside the inliers' spread and get weight 0, so the edit does not bias the estimate.
 */
import type { RgbImage } from '../pipeline/load-image';
import { phaseCorrelate } from './phase-correlation';
import { luminance, pyramid } from './pyramid';
import type { GreyImage } from './pyramid';
import { IDENTITY, maxDisplacement, validRect, warpBySimilarity } from './similarity';
import type { Rect } from './working-map';
import type { Similarity } from './similarity';

export type AlignmentEstimate = Similarity &
  Readonly<{
    /**
     * 0..1: the inlier share, reduced when the shift is poorly determined (`precision` above 0.05 px);
     * low where the image is flat or mostly edited.
     */
    confidence: number;
    /**
     * Standard error of the shift in working pixels, from the residual spread and the inliers' gradient
     * energy (σ/√λmin of the normal matrix): how precisely the texture pins the estimate down.
     */
    precision: number;
    /** Mean Tukey weight over the compared pixels (the share the estimate considers unchanged). */
    inlierFraction: number;
    /** Largest displacement the transform causes anywhere in the image, in working pixels. */
    drift: number;
    /**
     * Robust residual spread (1.4826·MAD, luma levels) on the full-size level: before (identity), and after
     * (at the last iteration, floored at the 1.5 levels the weighting never goes below).
     */
    residualBefore: number;
    residualAfter: number;
  }>;

export type AlignmentOptions = Readonly<{
  /** Gauss-Newton iterations per pyramid level. */
  iterations?: number;
  /** Largest plausible drift as a share of the smaller side; beyond it the estimate is distrusted. */
  maxDriftShare?: number;
}>;

type Samples = { r: Float64Array; j0: Float64Array; j1: Float64Array; j2: Float64Array; n: number };

/** Central-difference gradients (one-sided at the border). */
function gradients(img: GreyImage): { gx: Float32Array; gy: Float32Array } {
  const { width: w, height: h, data } = img;
  const gx = new Float32Array(w * h);
  const gy = new Float32Array(w * h);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = y * w + x;
      const l = x > 0 ? data[i - 1]! : data[i]!;
      const r = x < w - 1 ? data[i + 1]! : data[i]!;
      const u = y > 0 ? data[i - w]! : data[i]!;
      const d = y < h - 1 ? data[i + w]! : data[i]!;
      gx[i] = (r - l) * (x > 0 && x < w - 1 ? 0.5 : 1);
      gy[i] = (d - u) * (y > 0 && y < h - 1 ? 0.5 : 1);
    }
  }
  return { gx, gy };
}

/** Residuals and Jacobian rows of every `step`-th pixel whose warped position lies inside the output. */
function sample(
  input: GreyImage,
  output: GreyImage,
  grad: { gx: Float32Array; gy: Float32Array },
  t: Similarity,
  step: number,
  into: Samples,
): Samples {
  const { width: w, height: h } = input;
  const cx = (w - 1) / 2;
  const cy = (h - 1) / 2;
  const O = output.data;
  const { gx, gy } = grad;
  let n = 0;
  for (let y = 0; y < h; y += step) {
    const qy = cy + t.scale * (y - cy) + t.ty;
    if (qy < 0 || qy > h - 1.001) continue;
    const y0 = Math.floor(qy);
    const fy = qy - y0;
    for (let x = 0; x < w; x += step) {
      const qx = cx + t.scale * (x - cx) + t.tx;
      if (qx < 0 || qx > w - 1.001) continue;
      const x0 = Math.floor(qx);
      const fx = qx - x0;
      const a = y0 * w + x0;
      const w00 = (1 - fx) * (1 - fy);
      const w01 = fx * (1 - fy);
      const w10 = (1 - fx) * fy;
      const w11 = fx * fy;
      const o = w00 * O[a]! + w01 * O[a + 1]! + w10 * O[a + w]! + w11 * O[a + w + 1]!;
      const dx = w00 * gx[a]! + w01 * gx[a + 1]! + w10 * gx[a + w]! + w11 * gx[a + w + 1]!;
      const dy = w00 * gy[a]! + w01 * gy[a + 1]! + w10 * gy[a + w]! + w11 * gy[a + w + 1]!;
      into.r[n] = o - input.data[y * w + x]!;
      into.j0[n] = dx * (x - cx) + dy * (y - cy);
      into.j1[n] = dx;
      into.j2[n] = dy;
      n++;
    }
  }
  into.n = n;
  return into;
}

/** 1.4826·median(|r|), by a 0.05-level histogram (exact enough, linear time). */
function robustSigma(s: Samples): number {
  const bins = new Uint32Array(5120);
  for (let i = 0; i < s.n; i++) bins[Math.min(5119, Math.floor(Math.abs(s.r[i]!) * 20))]!++;
  let acc = 0;
  for (let b = 0; b < bins.length; b++) {
    acc += bins[b]!;
    if (acc * 2 >= s.n) return 1.4826 * ((b + 0.5) / 20);
  }
  return 1.4826 * 256;
}

/**
 * One robust Gauss-Newton step; returns the update and the normal matrix's statistics. The σ floor keeps
 * 8-bit quantisation and resampling noise from making every pixel an outlier when the fit is near exact.
 */
function gaussNewtonStep(s: Samples, sigmaFloor: number) {
  const sigma = Math.max(sigmaFloor, robustSigma(s));
  const c = 4.685 * sigma;
  let h00 = 0,
    h01 = 0,
    h02 = 0,
    h11 = 0,
    h12 = 0,
    h22 = 0,
    b0 = 0,
    b1 = 0,
    b2 = 0,
    wsum = 0;
  for (let i = 0; i < s.n; i++) {
    const r = s.r[i]!;
    const u = r / c;
    if (u * u >= 1) continue;
    const wt = (1 - u * u) ** 2;
    const j0 = s.j0[i]!;
    const j1 = s.j1[i]!;
    const j2 = s.j2[i]!;
    h00 += wt * j0 * j0;
    h01 += wt * j0 * j1;
    h02 += wt * j0 * j2;
    h11 += wt * j1 * j1;
    h12 += wt * j1 * j2;
    h22 += wt * j2 * j2;
    b0 += wt * j0 * r;
    b1 += wt * j1 * r;
    b2 += wt * j2 * r;
    wsum += wt;
  }
  const delta = solve3([h00, h01, h02, h01, h11, h12, h02, h12, h22], [-b0, -b1, -b2]);
  // Texture of the inliers: the smaller eigenvalue of the translation block, per unit weight.
  const tr = h11 + h22;
  const det = h11 * h22 - h12 * h12;
  const lambdaMin = tr / 2 - Math.sqrt(Math.max(0, (tr * tr) / 4 - det));
  return { delta, sigma, wsum, lambdaMin };
}

/** Solves a 3×3 system with light Levenberg damping; zeros when singular (flat image). */
function solve3(m: number[], b: number[]): [number, number, number] {
  const a = [...m];
  for (let i = 0; i < 3; i++) a[i * 4] = a[i * 4]! * (1 + 1e-6) + 1e-9;
  const det = (q: number[]) =>
    q[0]! * (q[4]! * q[8]! - q[5]! * q[7]!) -
    q[1]! * (q[3]! * q[8]! - q[5]! * q[6]!) +
    q[2]! * (q[3]! * q[7]! - q[4]! * q[6]!);
  const d = det(a);
  if (!Number.isFinite(d) || Math.abs(d) < 1e-300) return [0, 0, 0];
  const out: [number, number, number] = [0, 0, 0];
  for (let k = 0; k < 3; k++) {
    const q = [...a];
    for (let r = 0; r < 3; r++) q[r * 3 + k] = b[r]!;
    out[k] = det(q) / d;
  }
  return out;
}

function emptySamples(n: number): Samples {
  return {
    r: new Float64Array(n),
    j0: new Float64Array(n),
    j1: new Float64Array(n),
    j2: new Float64Array(n),
    n: 0,
  };
}

/**
 * Estimates the drift `T` with `output(T(p)) ≈ input(p)` on unchanged pixels. Both images must have the
 * same (working) size.
 */
export function estimateAlignment(
  input: RgbImage,
  output: RgbImage,
  options: AlignmentOptions = {},
): AlignmentEstimate {
  if (input.width !== output.width || input.height !== output.height)
    throw new Error(
      `alignment needs equal sizes, got ${input.width}x${input.height} and ${output.width}x${output.height}`,
    );
  const iterations = options.iterations ?? 8;
  const maxDriftShare = options.maxDriftShare ?? 0.1;
  const pi = pyramid(luminance(input));
  const po = pyramid(luminance(output));
  const top = pi.length - 1;

  // Phase correlation on the level nearest 256 px: small enough to be fast, big enough to be precise.
  let pcLevel = top;
  while (pcLevel > 0 && Math.max(pi[pcLevel]!.width, pi[pcLevel]!.height) < 256) pcLevel--;
  const shift = phaseCorrelate(pi[pcLevel]!, po[pcLevel]!);
  let scale = 1;
  // Level-k coordinates are full-size ones divided by 2ᵏ about the centre, so shifts scale by 2ᵏ.
  let tx = shift.dx * 2 ** pcLevel;
  let ty = shift.dy * 2 ** pcLevel;

  const samples = emptySamples(input.width * input.height);
  let last = { sigma: 0, wsum: 0, lambdaMin: 0, n: 0 };
  for (let level = Math.min(pcLevel, top); level >= 0; level--) {
    const a = pi[level]!;
    const b = po[level]!;
    const grad = gradients(b);
    const f = 2 ** level;
    // The full-size level is sampled on every other pixel: as precise in practice, four times cheaper.
    const step = level === 0 && a.width * a.height > 300_000 ? 2 : 1;
    for (let it = 0; it < iterations; it++) {
      sample(a, b, grad, { scale, tx: tx / f, ty: ty / f }, step, samples);
      const g = gaussNewtonStep(samples, 1.5);
      last = { sigma: g.sigma, wsum: g.wsum, lambdaMin: g.lambdaMin, n: samples.n };
      const [ds, dtx, dty] = g.delta;
      scale += ds;
      tx += dtx * f;
      ty += dty * f;
      if (Math.abs(ds) * Math.max(a.width, a.height) < 0.01 && Math.hypot(dtx, dty) < 0.01) break;
    }
  }
  const estimate: Similarity = { scale, tx, ty };
  const before = sample(
    pi[0]!,
    po[0]!,
    gradients(po[0]!),
    IDENTITY,
    2,
    emptySamples(input.width * input.height),
  );
  const residualBefore = robustSigma(before);
  const drift = maxDisplacement(estimate, input.width, input.height);
  const inlierFraction = last.n > 0 ? last.wsum / last.n : 0;
  // Sampling every `step`-th pixel per axis sees 1/step² of the gradient energy the full image holds; the
  // estimate is counted at what was sampled, which errs on the cautious side.
  const precision = last.lambdaMin > 0 ? last.sigma / Math.sqrt(last.lambdaMin) : Infinity;
  const precisionFactor = Math.min(1, 0.05 / precision);
  const plausible = drift <= maxDriftShare * Math.min(input.width, input.height) && Number.isFinite(drift);
  return {
    ...estimate,
    confidence: plausible ? inlierFraction * precisionFactor : 0,
    precision,
    inlierFraction,
    drift,
    residualBefore,
    residualAfter: last.sigma,
  };
}

export type CorrectionOptions = AlignmentOptions &
  Readonly<{
    /** Smallest drift worth resampling for, in working pixels (resampling softens the image slightly). */
    minDrift?: number;
    /** Smallest confidence to act on. */
    minConfidence?: number;
  }>;

/** Whether an estimate is both trustworthy and large enough to correct. */
export function shouldCorrect(e: AlignmentEstimate, options: CorrectionOptions = {}): boolean {
  return e.confidence >= (options.minConfidence ?? 0.5) && e.drift >= (options.minDrift ?? 0.25);
}

/**
 * Estimates the drift and, when `shouldCorrect`, resamples the output so its unchanged content lies where
 * it lay in the input. Returns the image to diff and paste back, the estimate for the recipe, and the
 * rectangle where the corrected image holds the model's content (pass it to `changedAreaMask` as `within`:
 * beyond it, a zoom-in or shift left no data and the source must be kept).
 */
export function correctDrift(
  input: RgbImage,
  output: RgbImage,
  options: CorrectionOptions = {},
): { image: RgbImage; estimate: AlignmentEstimate; corrected: boolean; valid: Rect } {
  const estimate = estimateAlignment(input, output, options);
  const corrected = shouldCorrect(estimate, options);
  return {
    image: corrected ? warpBySimilarity(output, estimate) : output,
    estimate,
    corrected,
    valid: corrected
      ? validRect(estimate, input.width, input.height)
      : { x: 0, y: 0, width: input.width, height: input.height },
  };
}
