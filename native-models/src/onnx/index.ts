/**
 * # ONNX graph builder (native-models/src/onnx)
 *
 * Builds ONNX models (IR 10, opset 23, plus `com.microsoft` opset 1 when a node uses it) directly from
 * TypeScript, with weights streamed into one external-data file whose tensors start at 64 KiB-aligned offsets.
 *
 * ```ts
 * const b = new GraphBuilder({ name: 'vae_decoder', precision: 'fp32' });   // or 'bf16' | 'int8' | 'int4'
 * const x = b.input('latents', 'float32', ['batch', 16, 'height', 'width']); // strings = dynamic dims
 * const h = b.scope('decoder', () => b.scope('conv_in', () =>
 *   b.op('Conv', [x, weightInitializer(b, src, 'decoder.conv_in.weight'), weightInitializer(b, src, 'decoder.conv_in.bias')],
 *        { pads: [1, 1, 1, 1] })));                                           // node '/decoder/conv_in/Conv'
 * b.output(h, 'sample', 'float32', ['batch', 3, 'H', 'W']);
 * await b.save(outDir);                                  // outDir/model.onnx + outDir/model.onnx.data
 * ```
 *
 * - `b.node(opType, inputs, attrs, { domain, name, outputs })` → output names `<node name>/output_<i>`;
 *   `b.op(...)` is the single-output form. Node names are `<scope path>/<name or opType>` (`b.scope('attn', fn)`
 *   nests), or absolute when `name` starts with '/'; repeats get `_1`, `_2`. '' stands for an omitted input.
 * - Attributes: whole numbers → INT, other numbers → FLOAT, arrays likewise, strings → STRING; use
 *   `attr.float(1)`, `attr.floats([1, 2])` etc. (or `{ type, value }`) where inference would be wrong.
 * - Constants: `b.constant(0.5)` (scalar, compute dtype) / `b.constant([0, -1], 'int64')` (1-D) are shared,
 *   named `/constants/<dtype>/<value>`; `b.filled(1, [64])`; `b.tensorConstant(bytes, dtype, dims)` (hash-named).
 * - Initializers: `b.initializer(name, { dtype, dims, data | load | file })`. `load` runs during `save()`, one
 *   tensor at a time, so memory never holds the whole model; `file` (a WeightSource `FileRange`) is copied in
 *   8 MiB chunks, or referenced in place with `reference: true` (location relative to the model dir).
 * - From checkpoints: `weightInitializer(b, src, ckptName, { transpose, dtype, dims })` registers a tensor lazily
 *   (byte-for-byte file copy when dtype and layout already match). Layers: `linear(b, src, x, 'a.b.to_q',
 *   { quantize })` (MatMul with a pre-transposed [K, N] weight + Add; MatMulNBits when the precision is int8/int4
 *   and `quantize` is set), `rmsNorm`, `layerNormNoAffine`, `silu`, `geluTanh`, `castIfNeeded`, `modulePath`.
 * - Precision: `b.plan` (`precisionPlan`): `compute` ('float32' | 'bfloat16') is the activation type inside
 *   the graph; `dense` the storage type of non-quantised weights; `bits`/`blockSize` for MatMulNBits. Graph I/O
 *   stays float32: cast at the edges with `castIfNeeded(b, x, 'float32', b.compute)`. ORT's CPU EP lacks most
 *   bf16 kernels, so bf16 graphs run on CUDA; int8/int4 graphs with float32 compute run on CPU.
 * - Quantisation: `quantizeBlockwise(w[N·K], N, K, bits, blockSize)` → MatMulNBits B `[N, kBlocks, blob]`
 *   (low nibble first) and scales `[N, kBlocks]`, symmetric RTN, default zero point.
 * - `b.save(dir, { modelFile, dataFile, alignment, inlineMaxBytes, metadata, onProgress })` → `SavedModel`
 *   (paths, sizes, node and initializer counts, graph I/O for model.json, `sha256` of both files computed while
 *   writing, `placements` of every external tensor). In-memory initializers ≤ 1 KiB stay inside the .onnx.
 *   `reference: true` files must lie inside the model folder (ORT refuses external data outside it).
 *   `reuse: otherSaved.placements` (same folder) references weights another graph already wrote, by name and size.
 */
export { GraphBuilder, attr, IR_VERSION, OPSET, MS_DOMAIN } from './graph-builder';
export type {
  AttrInput,
  NodeOptions,
  InitializerSource,
  InitializerSpec,
  IoSpec,
  SaveOptions,
  SavedModel,
  SharedWeights,
  ExternalPlacement,
  GraphView,
} from './graph-builder';
export { uncoveredNodes, valueTypes } from './kernel-coverage';
export type { KernelEntry, KernelTable } from './kernel-coverage';
export { precisionPlan } from './precision';
export type { Precision, PrecisionOptions, PrecisionPlan, ComputeType, QuantBlockSize } from './precision';
export { linear, rmsNorm, layerNormNoAffine, silu, geluTanh, castIfNeeded, modulePath } from './layers';
export type { LinearOptions } from './layers';
export { weightInitializer, readRange, transposeBytes } from './weights';
export type { WeightOptions, FloatStorage } from './weights';
export { quantizeBlockwise, dequantizeBlockwise } from './quantize';
export { withTensorRunner } from './tensor-runner';
export type { QuantizedWeight } from './quantize';
export {
  TENSOR_TYPE_CODES,
  BYTES_PER_ELEMENT,
  byteLength,
  elementCount,
  encodeFloats,
  encodeNumbers,
  f32ToBf16Bits,
  bf16BitsToF32,
  f32ToF16Bits,
} from './dtypes';
export type { TensorDType } from './dtypes';
export type { Dim } from './onnx-proto';
