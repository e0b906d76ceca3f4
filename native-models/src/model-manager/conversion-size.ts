/**
 * Output size of a conversion from the checkpoint's size: the released weights are bf16 (2 bytes per
 * element), the converter writes the precision's bytes per element (int8/int4 include their scales), and
 * only the transformer and language model are quantized; the rest (VAE, vision) stays near its source size.
 */
import type { Precision } from '../onnx';

const BYTES_PER_ELEMENT: Readonly<Record<Precision, number>> = { fp32: 4, bf16: 2, int8: 1.07, int4: 0.57 };

export function conversionBytes(checkpointBytes: number, precision: Precision): number {
  return checkpointBytes * (BYTES_PER_ELEMENT[precision] / 2);
}
