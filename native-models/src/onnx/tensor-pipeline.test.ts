import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeSafetensors } from '../safetensors/writer';
import { openSafetensors } from '../safetensors/reader';
import { seededRandom, uniformArray } from '../testing/seeded';
import { memoryWeightSource } from '../weights';
import type { WeightSource } from '../weights';
import { GraphBuilder } from './graph-builder';
import { dequantizeBlockwise } from './quantize';
import { weightJob } from './tensor-job';
import type { TensorJob } from './tensor-job';
import { TensorPipeline } from './tensor-pipeline';
import { inlineRunner, withTensorRunner } from './tensor-runner';

let dir: string;
let src: WeightSource;
const ROWS = 300;
const K = 64;
/** bf16 values of the table, as float32 (the plain reference). */
let table: Float32Array;

/** float32 → bf16 bits by truncation is enough for a fixture: the stored bits are what the reference reads. */
function bf16Bytes(values: Float32Array): { bytes: Uint8Array; widened: Float32Array } {
  const bits = new Uint16Array(values.length);
  const widened = new Float32Array(values.length);
  const f = new Float32Array(1);
  const u = new Uint32Array(f.buffer);
  for (let i = 0; i < values.length; i++) {
    f[0] = values[i]!;
    bits[i] = u[0]! >>> 16;
    u[0] = bits[i]! << 16;
    widened[i] = f[0];
  }
  return { bytes: new Uint8Array(bits.buffer), widened };
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tensor-pipeline-'));
  const { bytes, widened } = bf16Bytes(uniformArray(ROWS * K, seededRandom(7)));
  table = widened;
  const path = join(dir, 'w.safetensors');
  await writeSafetensors(path, [{ name: 'table', dtype: 'BF16', shape: [ROWS, K], data: () => bytes }]);
  src = await openSafetensors(path);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A graph whose data file holds the table as float32 (by row slabs), transposed, and int4-quantised. */
async function saveTable(out: string, slabBytes: number): Promise<Uint8Array> {
  const b = new GraphBuilder({ name: 'slabs', precision: 'int4' });
  const f32 = weightJob(src, 'table', { kind: 'store', dtype: 'float32' }, true, slabBytes);
  const transposed = weightJob(
    src,
    'table',
    { kind: 'store', dtype: 'float32', transpose: [ROWS, K] },
    false,
  );
  const op = { kind: 'quantize', k: K, bits: 4, blockSize: 32, scales: 'float32' } as const;
  const q = weightJob(src, 'table', op, true, slabBytes);
  b.initializer('f32', { dtype: 'float32', dims: [ROWS, K], job: f32, output: 0 });
  b.initializer('t', { dtype: 'float32', dims: [K, ROWS], job: transposed, output: 0 });
  b.initializer('q', { dtype: 'uint8', dims: [ROWS, 2, 16], job: q, output: 0 });
  b.initializer('s', { dtype: 'float32', dims: [ROWS, 2], job: q, output: 1 });
  const x = b.input('x', 'float32', [1]);
  b.output(x, 'y', 'float32', [1]);
  const saved = await b.save(out);
  return new Uint8Array(await readFile(saved.dataPath));
}

const at = (data: Uint8Array, offset: number, length: number) =>
  new Float32Array(data.slice(offset, offset + length * 4).buffer);

describe('tensor jobs by slabs of rows, inline and on worker threads', () => {
  it('store, transpose and quantise a bf16 table into the same bytes whole, by 7-row slabs, on 0 or 2 threads', async () => {
    const whole = await saveTable(join(dir, 'whole'), 1 << 30);
    const slabbed = await saveTable(join(dir, 'slabbed'), 7 * K * 2);
    const threaded = await withTensorRunner(2, () => saveTable(join(dir, 'threaded'), 7 * K * 2));
    expect(Buffer.compare(slabbed, whole)).toBe(0);
    expect(Buffer.compare(threaded, whole)).toBe(0);

    // Independent references: the widened bf16 values, their transpose, and the int4 round trip within a step.
    expect(at(whole, 0, ROWS * K)).toEqual(table);
    const t = at(whole, 65536 * Math.ceil((ROWS * K * 4) / 65536), ROWS * K);
    for (let r = 0; r < ROWS; r++) for (let c = 0; c < K; c++) expect(t[c * ROWS + r]).toBe(table[r * K + c]);
  });

  it('quantised slabs match a plain blockwise int4 reference of the whole table', async () => {
    const op = { kind: 'quantize', k: K, bits: 4, blockSize: 32, scales: 'float32' } as const;
    const job = weightJob(src, 'table', op, true, 5 * K * 2);
    expect(job.slabs.length).toBe(60);
    const pipeline = new TensorPipeline([job], inlineRunner);
    const packed: Uint8Array[] = [];
    for await (const p of pipeline.output(job, 0)) packed.push(p);
    const scales: Uint8Array[] = [];
    for await (const s of pipeline.output(job, 1)) scales.push(s);
    const q = {
      packed: Buffer.concat(packed),
      scales: new Float32Array(Buffer.concat(scales).buffer.slice(0)),
      n: ROWS,
      k: K,
      kBlocks: 2,
      blobSize: 16,
    };
    const back = dequantizeBlockwise(q, 4, 32);
    for (let r = 0; r < ROWS; r++) {
      for (let blk = 0; blk < 2; blk++) {
        let absMax = 0;
        for (let i = 0; i < 32; i++) absMax = Math.max(absMax, Math.abs(table[r * K + blk * 32 + i]!));
        const step = absMax / 7;
        for (let i = 0; i < 32; i++) {
          const j = r * K + blk * 32 + i;
          expect(Math.abs(back[j]! - table[j]!)).toBeLessThanOrEqual(step / 2 + 1e-6 * absMax);
        }
      }
    }
  });

  it('reads ahead of the writer only within its byte budget', async () => {
    const reads: number[] = [];
    let written = 0;
    const slabs = Array.from({ length: 40 }, (_, i) => ({
      inputBytes: 100,
      read: async () => {
        reads.push(i);
        // Slabs read ahead of the writer: at most the budget's worth (3 × 100 bytes) plus the one it waits for.
        expect(i - written).toBeLessThanOrEqual(3);
        return { bytes: new Uint8Array(100).fill(i), dtype: 'F32' as const, owned: true };
      },
    }));
    const job: TensorJob = { op: { kind: 'store', dtype: 'float32' }, outputs: 1, slabs };
    const pipeline = new TensorPipeline([job], inlineRunner, 300);
    for await (const bytes of pipeline.output(job, 0)) {
      expect(bytes[0]).toBe(written);
      written++;
    }
    expect(written).toBe(40);
    expect(reads).toEqual(Array.from({ length: 40 }, (_, i) => i));
  });

  it('a failing read names the initializer and the pipeline reports it when the writer reaches it', async () => {
    const broken: WeightSource = {
      ...memoryWeightSource({ w: { shape: [2, 2], data: new Float32Array(4) } }),
      readF32: () => Promise.reject(new Error('disk gone')),
    };
    const b = new GraphBuilder({ name: 'broken' });
    b.initializer('w', {
      dtype: 'float32',
      dims: [2, 2],
      job: weightJob(broken, 'w', { kind: 'store', dtype: 'float32' }, true),
      output: 0,
    });
    await expect(withTensorRunner(1, () => b.save(join(dir, 'broken')))).rejects.toThrow(
      "initializer 'w': disk gone",
    );
  });
});
