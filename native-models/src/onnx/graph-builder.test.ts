import { createHash } from 'node:crypto';
import { copyFile, mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  GraphBuilder,
  castIfNeeded,
  dequantizeBlockwise,
  geluTanh,
  layerNormNoAffine,
  linear,
  quantizeBlockwise,
  rmsNorm,
  silu,
  transposeBytes,
} from './index';
import type { Precision, QuantBlockSize } from './index';
import { memoryWeightSource } from '../weights';
import type { WeightSource } from '../weights';
import { runOnce } from './testing/runOnce';
import { maxAbsDiff, relativeL2 } from '../testing/compare';
import { seededRandom, uniformArray } from '../testing/seeded';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'onnx-builder-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const values = (n: number, seed: number) => uniformArray(n, seededRandom(seed));

const K = 48;
const N = 40;
const rows = 6;
const src = memoryWeightSource({
  'proj.weight': { shape: [N, K], data: values(N * K, 1) },
  'proj.bias': { shape: [N], data: values(N, 2) },
  'norm.weight': { shape: [N], data: values(N, 3) },
});

/** Plain-loop reference: linear → RMSNorm → LayerNorm (no affine) → GELU-tanh → SiLU, per row. */
function reference(x: Float32Array, w: Float32Array, bias: Float32Array, g: Float32Array): Float32Array {
  const out = new Float32Array(rows * N);
  for (let r = 0; r < rows; r++) {
    const y = new Float64Array(N);
    for (let n = 0; n < N; n++) {
      let acc = bias[n]!;
      for (let k = 0; k < K; k++) acc += x[r * K + k]! * w[n * K + k]!;
      y[n] = acc;
    }
    let ms = 0;
    for (let n = 0; n < N; n++) ms += y[n]! * y[n]!;
    const rinv = 1 / Math.sqrt(ms / N + 1e-6);
    for (let n = 0; n < N; n++) y[n] = y[n]! * rinv * g[n]!;
    let mean = 0;
    for (let n = 0; n < N; n++) mean += y[n]!;
    mean /= N;
    let v = 0;
    for (let n = 0; n < N; n++) v += (y[n]! - mean) ** 2;
    const sinv = 1 / Math.sqrt(v / N + 1e-6);
    for (let n = 0; n < N; n++) {
      const z = (y[n]! - mean) * sinv;
      const gelu = 0.5 * z * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (z + 0.044715 * z ** 3)));
      out[r * N + n] = gelu / (1 + Math.exp(-gelu));
    }
  }
  return out;
}

function buildChain(precision: Precision, weights: WeightSource = src): GraphBuilder {
  const b = new GraphBuilder({ name: 'chain', precision });
  const x = b.input('x', 'float32', ['batch', 'seq', K]);
  let y = linear(b, weights, x, 'proj', { quantize: true });
  y = rmsNorm(b, weights, y, 'norm.weight', 1e-6);
  y = layerNormNoAffine(b, y, N, 1e-6);
  y = silu(b, geluTanh(b, y));
  b.output(y, 'y', 'float32', ['batch', 'seq', N]);
  return b;
}

describe('GraphBuilder', () => {
  it('builds a graph that ONNX Runtime loads and that computes the reference numbers', async () => {
    const saved = await buildChain('fp32').save(join(dir, 'chain'));
    const x = values(rows * K, 4);
    const out = await runOnce(saved.modelPath, { x: new ort.Tensor('float32', x, [2, 3, K]) });
    expect(out.y!.dims).toEqual([2, 3, N]);
    const expected = reference(x, values(N * K, 1), values(N, 2), values(N, 3));
    expect(maxAbsDiff(out.y!.data as Float32Array, expected)).toBeLessThan(1e-5);
  });

  it('puts every external tensor at a 64 KiB-aligned offset, with the bytes it claims, and keeps the .onnx small', async () => {
    const saved = await buildChain('fp32').save(join(dir, 'aligned'), { inlineMaxBytes: 0 });
    expect(saved.placements.length).toBe(saved.initializers);
    expect(saved.placements.length).toBeGreaterThan(2);
    for (const p of saved.placements) expect(p.offset % 65536).toBe(0);
    const data = await readFile(saved.dataPath);
    expect(data.length).toBe(saved.dataBytes);
    // The MatMul weight is stored transposed to [K, N].
    const w = values(N * K, 1);
    const placed = saved.placements.find((p) => p.name === 'proj.weight.T')!;
    const stored = new Float32Array(
      data.buffer.slice(data.byteOffset + placed.offset, data.byteOffset + placed.offset + placed.length),
    );
    expect(stored[1 * N + 0]).toBe(w[0 * K + 1]);
    expect(stored[5 * N + 7]).toBe(w[7 * K + 5]);
    expect(saved.modelBytes).toBeLessThan(4096);
    // The hashes computed while writing are those of the files (alignment gaps included).
    expect(saved.sha256.data).toBe(createHash('sha256').update(data).digest('hex'));
    expect(saved.sha256.model).toBe(
      createHash('sha256')
        .update(await readFile(saved.modelPath))
        .digest('hex'),
    );
    expect((await stat(saved.modelPath)).size).toBe(saved.modelBytes);
  });

  it('transposes 2- and 4-byte matrices of any shape (tiled), and reports save progress up to the total', async () => {
    for (const [rows, cols] of [
      [3, 130],
      [70, 65],
      [1, 5],
    ] as const) {
      const m = Float32Array.from({ length: rows * cols }, (_, i) => i);
      const t32 = new Float32Array(transposeBytes(new Uint8Array(m.buffer), rows, cols, 4).buffer);
      const m16 = Uint16Array.from({ length: rows * cols }, (_, i) => i);
      const t16 = new Uint16Array(transposeBytes(new Uint8Array(m16.buffer), rows, cols, 2).buffer);
      for (let r = 0; r < rows; r++)
        for (let c = 0; c < cols; c++) {
          expect(t32[c * rows + r]).toBe(r * cols + c);
          expect(t16[c * rows + r]).toBe(r * cols + c);
        }
    }
    const seen: number[] = [];
    let total = 0;
    await buildChain('fp32').save(join(dir, 'progress'), {
      onProgress: (p) => {
        seen.push(p.bytesDone);
        total = p.bytesTotal;
      },
    });
    expect(seen.length).toBeGreaterThan(2);
    expect(seen.every((v, i) => i === 0 || v > seen[i - 1]!)).toBe(true);
    expect(seen.at(-1)).toBe(total);
  });

  it('de-duplicates constants by dtype and value and names them /constants/<dtype>/<value>', () => {
    const b = new GraphBuilder({ name: 'consts' });
    const one = b.constant(1);
    expect(b.constant(1)).toBe(one);
    expect(one).toBe('/constants/float32/1');
    expect(b.constant(1, 'int64')).toBe('/constants/int64/1');
    expect(b.constant([0, -1], 'int64')).toBe('/constants/int64/[0,-1]');
    expect(b.constant([0, -1], 'int64')).toBe('/constants/int64/[0,-1]');
    expect(b.filled(1, [4])).toBe(b.filled(1, [4]));
    const t = b.tensorConstant(new Float32Array([1, 2, 3]), 'float32', [3]);
    expect(b.tensorConstant(new Float32Array([1, 2, 3]), 'float32', [3])).toBe(t);
    expect(b.tensorConstant(new Float32Array([1, 2, 4]), 'float32', [3])).not.toBe(t);
  });

  it('names nodes by scope and de-duplicates repeated names', () => {
    const b = new GraphBuilder({ name: 'names' });
    const x = b.input('x', 'float32', [1]);
    const a = b.scope('transformer_blocks.0', () => b.scope('attn', () => b.op('Relu', [x])));
    expect(a).toBe('/transformer_blocks.0/attn/Relu/output_0');
    const c = b.scope('transformer_blocks.0', () => b.scope('attn', () => b.op('Relu', [a])));
    expect(c).toBe('/transformer_blocks.0/attn/Relu_1/output_0');
    const [s0, s1] = b.node('Split', [c], { axis: 0 }, { name: '/abs/Split', outputs: 2 });
    expect([s0, s1]).toEqual(['/abs/Split/output_0', '/abs/Split/output_1']);
    expect(() => b.input('x', 'float32', [1])).toThrow(/used twice/);
  });

  it('copies checkpoint bytes from their file range, or references the file in place', async () => {
    // A file holding [junk | bias bytes | norm bytes], described by a WeightSource that locates them.
    const bias = values(N, 2);
    const norm = values(N, 3);
    const junk = new Uint8Array(100).fill(7);
    const file = join(dir, 'weights.bin');
    await writeFile(file, Buffer.concat([junk, Buffer.from(bias.buffer), Buffer.from(norm.buffer)]));
    const located: WeightSource = {
      ...src,
      names: src.names,
      has: src.has,
      info: src.info,
      readF32: () => Promise.reject(new Error('must not be read through JS')),
      locate: (name) =>
        name === 'proj.bias'
          ? { path: file, offset: 100, length: N * 4 }
          : name === 'norm.weight'
            ? { path: file, offset: 100 + N * 4, length: N * 4 }
            : undefined,
    };
    const mixed: WeightSource = {
      ...located,
      readF32: (name) => (name === 'proj.weight' ? src.readF32(name) : located.readF32(name)),
    };
    const x = values(rows * K, 4);
    const expected = reference(x, values(N * K, 1), bias, norm);

    const copied = await buildChain('fp32', mixed).save(join(dir, 'copied'));
    expect(copied.sha256.data).toBe(
      createHash('sha256')
        .update(await readFile(copied.dataPath))
        .digest('hex'),
    );
    const out = await runOnce(copied.modelPath, { x: new ort.Tensor('float32', x, [2, 3, K]) });
    expect(maxAbsDiff(out.y!.data as Float32Array, expected)).toBeLessThan(1e-5);

    // Referencing in place (the file inside the model folder): nothing is copied.
    const refDir = join(dir, 'referenced');
    const b = new GraphBuilder({ name: 'ref' });
    const xin = b.input('x', 'float32', [N]);
    await mkdir(refDir, { recursive: true });
    const refFile = join(refDir, 'ref-weights.bin');
    await copyFile(file, refFile);
    const w = b.initializer('bias', {
      dtype: 'float32',
      dims: [N],
      file: { path: refFile, offset: 100, length: N * 4 },
      reference: true,
    });
    b.output(b.op('Add', [xin, w]), 'y', 'float32', [N]);
    const saved = await b.save(refDir);
    expect(saved.payloadBytes).toBe(0);
    const ref = await runOnce(saved.modelPath, { x: new ort.Tensor('float32', new Float32Array(N), [N]) });
    expect(Array.from(ref.y!.data as Float32Array)).toEqual(Array.from(bias));

    // A referenced file outside the model folder is refused before ORT would refuse the model.
    const outside = new GraphBuilder({ name: 'outside' });
    const y = outside.input('x', 'float32', [N]);
    const far = outside.initializer('bias', {
      dtype: 'float32',
      dims: [N],
      file: { path: file, offset: 100, length: N * 4 },
      reference: true,
    });
    outside.output(outside.op('Add', [y, far]), 'y', 'float32', [N]);
    await expect(outside.save(join(dir, 'outside'))).rejects.toThrow(/outside the model folder/);
  });

  it('rejects bad initializers: duplicates, wrong byte counts, missing checkpoint tensors', async () => {
    const b = new GraphBuilder({ name: 'bad' });
    b.initializer('w', { dtype: 'float32', dims: [2], data: new Float32Array(2) });
    expect(() => b.initializer('w', { dtype: 'float32', dims: [2], data: new Float32Array(2) })).toThrow(
      /defined twice/,
    );
    b.initializer('short', { dtype: 'float32', dims: [3], load: async () => new Float32Array(2) });
    await expect(b.save(join(dir, 'bad'))).rejects.toThrow(/'short': got 8 bytes, expected 12/);
    const c = new GraphBuilder({ name: 'missing' });
    expect(() => linear(c, src, c.input('x', 'float32', [K]), 'nope')).toThrow(/nope\.weight/);
  });
});

describe('precisions', () => {
  it('int8 and int4 (MatMulNBits) linears compute x·dequant(W)ᵀ + b and stay close to fp32', async () => {
    const x = values(rows * K, 4);
    const w = values(N * K, 1);
    const bias = values(N, 2);
    const linearOnly = (precision: Precision, blockSize: QuantBlockSize, accuracyLevel: 0 | 4 = 0) => {
      const b = new GraphBuilder({ name: 'linear', precision, blockSize, accuracyLevel });
      b.output(
        linear(b, src, b.input('x', 'float32', [rows, K]), 'proj', { quantize: true }),
        'y',
        'float32',
        [rows, N],
      );
      return b;
    };
    const matmul = (weights: Float32Array) => {
      const out = new Float32Array(rows * N);
      for (let r = 0; r < rows; r++)
        for (let n = 0; n < N; n++) {
          let acc = bias[n]!;
          for (let k = 0; k < K; k++) acc += x[r * K + k]! * weights[n * K + k]!;
          out[r * N + n] = acc;
        }
      return out;
    };
    const exact = matmul(w);
    const errors: Record<string, number> = {};
    for (const precision of ['int8', 'int4'] as const) {
      for (const blockSize of [16, 32, 64] as const) {
        const saved = await linearOnly(precision, blockSize).save(join(dir, `q-${precision}-${blockSize}`));
        const y = (await runOnce(saved.modelPath, { x: new ort.Tensor('float32', x, [rows, K]) })).y!
          .data as Float32Array;
        const bits = precision === 'int8' ? 8 : 4;
        const dequantized = dequantizeBlockwise(quantizeBlockwise(w, N, K, bits, blockSize), bits, blockSize);
        const reference = matmul(dequantized);
        expect(maxAbsDiff(y, reference)).toBeLessThan(1e-5);
        // accuracy_level 4 (the CPU builds' default) quantises the activations to int8 per block too.
        const level4 = await linearOnly(precision, blockSize, 4).save(
          join(dir, `q4-${precision}-${blockSize}`),
        );
        const y4 = (await runOnce(level4.modelPath, { x: new ort.Tensor('float32', x, [rows, K]) })).y!
          .data as Float32Array;
        errors[`${precision}/${blockSize}/level4-vs-dequantized`] = relativeL2(y4, reference);
        errors[`${precision}/${blockSize}`] = relativeL2(y, exact);
      }
    }
    console.log('linear relative L2 error vs fp32:', errors);
    for (const [k, e] of Object.entries(errors)) {
      expect(e, k).toBeGreaterThan(0);
      expect(e, k).toBeLessThan(
        k.endsWith('level4-vs-dequantized') ? 0.01 : k.startsWith('int8') ? 0.005 : 0.08,
      );
    }
    // The whole chain (linear → RMSNorm → LayerNorm → GELU → SiLU) also runs with quantised weights.
    const chain = await buildChain('int4').save(join(dir, 'q-chain'));
    const y = (await runOnce(chain.modelPath, { x: new ort.Tensor('float32', x, [2, 3, K]) })).y!
      .data as Float32Array;
    expect(y.every(Number.isFinite)).toBe(true);
  });

  it('quantises symmetrically: every dequantised value is within half a step of the original', () => {
    const w = values(5 * 70, 9);
    for (const bits of [4, 8] as const) {
      const q = quantizeBlockwise(w, 5, 70, bits, 32);
      expect(q.packed.length).toBe((5 * 3 * (32 * bits)) / 8);
      const d = dequantizeBlockwise(q, bits, 32);
      for (let i = 0; i < w.length; i++) {
        const scale = q.scales[Math.floor(i / 70) * 3 + Math.floor((i % 70) / 32)]!;
        expect(Math.abs(d[i]! - w[i]!)).toBeLessThanOrEqual(scale / 2 + 1e-7);
      }
    }
  });

  it('a bf16 graph is well-formed: ORT parses and type-checks it, failing on CPU only for missing bf16 kernels', async () => {
    const b = new GraphBuilder({ name: 'bf16', precision: 'bf16' });
    const x = castIfNeeded(b, b.input('x', 'float32', ['batch', 'seq', K]), 'float32', b.compute);
    const y = linear(b, src, x, 'proj');
    b.output(castIfNeeded(b, y, b.compute, 'float32'), 'y', 'float32', ['batch', 'seq', N]);
    const saved = await b.save(join(dir, 'bf16'));
    const data = await readFile(saved.dataPath);
    const w = saved.placements.find((p) => p.name === 'proj.weight.T')!;
    expect(w.length).toBe(N * K * 2);
    // bf16 bits of the first stored element (= w[0][0]) are the top half of its float32 bits, rounded.
    const f = new Float32Array([values(N * K, 1)[0]!]);
    const top = new Uint32Array(f.buffer)[0]! >>> 16;
    expect(Math.abs(data.readUInt16LE(w.offset) - top)).toBeLessThanOrEqual(1);
    await expect(runOnce(saved.modelPath, {}, { graphOptimizationLevel: 'disabled' })).rejects.toThrow(
      /Could not find an implementation for (MatMul|Add)/,
    );
  });
});
