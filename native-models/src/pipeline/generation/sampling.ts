import { Mt19937 } from '../mt19937';

/**
 * How the next token is chosen. Without `temperature` (or at 0) decoding is greedy; otherwise logits are
 * divided by the temperature, cut to the `topK` largest and then to the smallest set whose probability reaches
 * `topP` (transformers' warper order), and one token is drawn with the seeded generator.
 */
export type SamplingOptions = Readonly<{
  temperature?: number;
  topK?: number;
  topP?: number;
  seed?: number;
  /** > 1 discourages tokens already in the sequence (transformers' repetition_penalty). */
  repetitionPenalty?: number;
}>;

export class SamplingError extends Error {
  override name = 'SamplingError';
}

/** Rejects options that would make sampling meaningless, naming the field. */
export function checkSampling(o: SamplingOptions): void {
  if (o.temperature !== undefined && !(o.temperature >= 0 && Number.isFinite(o.temperature)))
    throw new SamplingError(`temperature must be a finite number ≥ 0, got ${o.temperature}`);
  if (o.topK !== undefined && !(Number.isInteger(o.topK) && o.topK >= 1))
    throw new SamplingError(`topK must be an integer ≥ 1, got ${o.topK}`);
  if (o.topP !== undefined && !(o.topP > 0 && o.topP <= 1))
    throw new SamplingError(`topP must be in (0, 1], got ${o.topP}`);
  if (o.repetitionPenalty !== undefined && !(o.repetitionPenalty > 0))
    throw new SamplingError(`repetitionPenalty must be > 0, got ${o.repetitionPenalty}`);
}

/** A token chooser with its own generator state: the same options and seed choose the same tokens. */
export function tokenChooser(
  options: SamplingOptions,
): (logits: Float32Array, seen: readonly number[]) => number {
  checkSampling(options);
  const rng = new Mt19937(options.seed ?? 0);
  // 53-bit uniform in [0, 1) from two draws, as numpy's random_sample.
  const uniform = () => ((rng.nextUint32() >>> 5) * 67108864 + (rng.nextUint32() >>> 6)) / 9007199254740992;
  return (raw, seen) => {
    const logits = Float64Array.from(raw);
    const penalty = options.repetitionPenalty ?? 1;
    if (penalty !== 1) {
      for (const id of new Set(seen)) {
        const v = logits[id]!;
        logits[id] = v < 0 ? v * penalty : v / penalty;
      }
    }
    if (!options.temperature) return argmaxOf(logits);
    return drawFrom(logits, options, uniform);
  };
}

function argmaxOf(values: Float64Array): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i]! > values[best]!) best = i;
  return best;
}

function drawFrom(logits: Float64Array, o: SamplingOptions, uniform: () => number): number {
  // Candidates sorted by logit, largest first (ties by lower id, so the order is deterministic).
  const order = Array.from(logits.keys()).sort((a, b) => logits[b]! - logits[a]! || a - b);
  const kept = order.slice(0, Math.min(o.topK ?? order.length, order.length));
  const scaled = kept.map((id) => logits[id]! / o.temperature!);
  const max = scaled[0]!;
  const weights = scaled.map((v) => Math.exp(v - max));
  const total = weights.reduce((a, w) => a + w, 0);
  let count = weights.length;
  if (o.topP !== undefined && o.topP < 1) {
    // Keep the smallest prefix whose mass reaches topP (at least one token).
    let mass = 0;
    for (let i = 0; i < weights.length; i++) {
      mass += weights[i]! / total;
      if (mass >= o.topP) {
        count = i + 1;
        break;
      }
    }
  }
  const kept2 = weights.slice(0, count);
  const sum = kept2.reduce((a, w) => a + w, 0);
  let r = uniform() * sum;
  for (let i = 0; i < count; i++) {
    r -= kept2[i]!;
    if (r < 0) return kept[i]!;
  }
  return kept[count - 1]!;
}
