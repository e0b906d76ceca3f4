/**
 * An independent, deliberately plain reading of torchvision's antialiased bicubic resize on uint8 (ATen's
 * `_compute_index_ranges_int16_weights` + `basic_loop_aa_horizontal/vertical<uint8_t>`), one output value
 * at a time, for checking `resizeLikeTorchvision`. No torch is installed here, so this reference, written
 * from the published source rather than from the implementation, stands in for a torch-made fixture.
 */
type Tap = { index: number; weight: number };

function cubic(x: number): number {
  // Keys' kernel, a = −0.5, in ATen's form: ((A+2)x − (A+3))x² + 1 and ((Ax − 5A)x + 8A)x − 4A.
  const A = -0.5;
  const t = Math.abs(x);
  if (t < 1) return ((A + 2) * t - (A + 3)) * t * t + 1;
  if (t < 2) return ((A * t - 5 * A) * t + 8 * A) * t - 4 * A;
  return 0;
}

/** The normalised float weights of output `i`, with their input indices. */
function floatTaps(inSize: number, outSize: number, i: number): Tap[] {
  const scale = inSize / outSize;
  const support = scale >= 1 ? 4 * 0.5 * scale : 4 * 0.5;
  const center = scale * (i + 0.5);
  const lo = Math.max(Math.trunc(center - support + 0.5), 0);
  const hi = Math.min(Math.trunc(center + support + 0.5), inSize);
  const taps: Tap[] = [];
  for (let index = lo; index < hi; index++) {
    taps.push({ index, weight: cubic((index - center + 0.5) * (scale >= 1 ? 1 / scale : 1)) });
  }
  const total = taps.reduce((s, t) => s + t.weight, 0);
  return total === 0 ? taps : taps.map((t) => ({ index: t.index, weight: t.weight / total }));
}

/** The int16 taps of every output along one axis, and the axis' precision. */
export function int16Taps(inSize: number, outSize: number): { taps: Tap[][]; precision: number } {
  const all = Array.from({ length: outSize }, (_, i) => floatTaps(inSize, outSize, i));
  const max = Math.max(0, ...all.flat().map((t) => t.weight));
  let precision = 0;
  while (precision < 22 && Math.trunc(0.5 + max * 2 ** (precision + 1)) < 32768) precision++;
  const toInt = (w: number) => Math.trunc(w * 2 ** precision + (w < 0 ? -0.5 : 0.5));
  return { taps: all.map((ts) => ts.map((t) => ({ index: t.index, weight: toInt(t.weight) }))), precision };
}

const round8 = (sum: number, precision: number) =>
  Math.min(255, Math.max(0, Math.floor((sum + 2 ** (precision - 1)) / 2 ** precision)));

export function referenceResize(
  src: { width: number; height: number; rgb: Uint8Array },
  width: number,
  height: number,
): Uint8Array {
  const h = width === src.width ? null : int16Taps(src.width, width);
  const v = height === src.height ? null : int16Taps(src.height, height);
  const mid = (x: number, y: number, c: number) => {
    if (!h) return src.rgb[(y * src.width + x) * 3 + c]!;
    const sum = h.taps[x]!.reduce((s, t) => s + src.rgb[(y * src.width + t.index) * 3 + c]! * t.weight, 0);
    return round8(sum, h.precision);
  };
  const out = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      for (let c = 0; c < 3; c++) {
        out[(y * width + x) * 3 + c] = v
          ? round8(
              v.taps[y]!.reduce((s, t) => s + mid(x, t.index, c) * t.weight, 0),
              v.precision,
            )
          : mid(x, y, c);
      }
    }
  }
  return out;
}
