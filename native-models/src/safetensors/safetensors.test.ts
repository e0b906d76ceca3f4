import { mkdtemp, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { f32ToBytes } from './dtype';
import { readSafetensorsHeader } from './header';
import { openSafetensors } from './reader';
import { openShardedSafetensors, openWeightsInFolder } from './sharded';
import { writeSafetensors } from './writer';
import type { TensorToWrite } from './writer';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'safetensors-test-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const ramp = (n: number, scale = 0.25) => Float32Array.from({ length: n }, (_, i) => (i - n / 2) * scale);
const tensor = (name: string, dtype: TensorToWrite['dtype'], shape: number[]): TensorToWrite => ({
  name,
  dtype,
  shape,
  data: () => f32ToBytes(dtype, ramp(shape.reduce((a, b) => a * b, 1))),
});

async function sample(name: string): Promise<string> {
  const path = join(dir, name);
  await writeSafetensors(path, [
    tensor('a.weight', 'F32', [3, 4]),
    tensor('b.bias', 'BF16', [5]),
    tensor('c', 'F16', [2, 3]),
  ]);
  return path;
}

describe('safetensors files', () => {
  it('round-trip F32, BF16 and F16 tensors, widening exactly to float32', async () => {
    const w = await openSafetensors(await sample('roundtrip.safetensors'));
    expect(w.names()).toEqual(['a.weight', 'b.bias', 'c']);
    expect(w.info('b.bias')).toEqual({ dtype: 'BF16', shape: [5] });
    expect([...(await w.readF32('a.weight'))]).toEqual([...ramp(12)]);
    expect([...(await w.readF32('b.bias'))]).toEqual([...ramp(5)]);
    expect([...(await w.readF32('c'))]).toEqual([...ramp(6)]);
  });

  it('write the documented layout: u64 header length, 8-aligned JSON header, data in order', async () => {
    const path = await sample('layout.safetensors');
    const bytes = new Uint8Array(await readFile(path));
    const n = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    expect(n % 8).toBe(0);
    const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n))) as Record<string, unknown>;
    expect(header.__metadata__).toEqual({ format: 'pt' });
    expect(header['a.weight']).toEqual({ dtype: 'F32', shape: [3, 4], data_offsets: [0, 48] });
    expect(header['b.bias']).toEqual({ dtype: 'BF16', shape: [5], data_offsets: [48, 58] });
    expect(bytes.length).toBe(8 + n + 48 + 10 + 12);
  });

  it('locate() gives the byte range holding the tensor as stored', async () => {
    const path = await sample('locate.safetensors');
    const w = await openSafetensors(path);
    const range = w.locate('c');
    expect(range?.path).toBe(path);
    const file = await readFile(path);
    expect(new Uint8Array(file.subarray(range!.offset, range!.offset + range!.length))).toEqual(
      await w.readBytes('c'),
    );
    expect(range!.length).toBe(12);
  });

  it('name the file and the tensor when a tensor is not there', async () => {
    const path = await sample('notfound.safetensors');
    const w = await openSafetensors(path);
    expect(() => w.info('nope.weight')).toThrow(`${path}: tensor 'nope.weight' not found`);
    await expect(w.readF32('nope.weight')).rejects.toThrow(/'nope\.weight' not found/);
  });

  it('refuse a truncated file, naming the tensor that runs past its end', async () => {
    const path = await sample('truncated.safetensors');
    await truncate(path, (await readFile(path)).length - 4);
    await expect(openSafetensors(path)).rejects.toThrow(
      /truncated\.safetensors: tensor 'c' claims bytes \[58, 70\).*only 66 \(truncated\?\)/,
    );
  });

  it('refuse a file shorter than the 8-byte length prefix', async () => {
    const path = join(dir, 'tiny.safetensors');
    await writeFile(path, new Uint8Array(5));
    await expect(openSafetensors(path)).rejects.toThrow(/tiny\.safetensors: truncated: 5 bytes/);
  });

  it('refuse a header that claims more bytes than the file has', async () => {
    const path = await sample('bigheader.safetensors');
    const bytes = new Uint8Array(await readFile(path));
    new DataView(bytes.buffer).setBigUint64(0, BigInt(bytes.length), true);
    await writeFile(path, bytes);
    await expect(openSafetensors(path)).rejects.toThrow(
      /bigheader\.safetensors: header claims \d+ bytes but only \d+ follow/,
    );
  });

  it('refuse a malformed JSON header', async () => {
    const path = await sample('badjson.safetensors');
    const bytes = new Uint8Array(await readFile(path));
    bytes[8] = 0x5b; // '{' → '[' : no longer valid JSON
    bytes[9] = 0x7b;
    await writeFile(path, bytes);
    await expect(openSafetensors(path)).rejects.toThrow(/badjson\.safetensors: malformed JSON header/);
  });

  it('refuse a header whose offsets disagree with the shape', async () => {
    const path = join(dir, 'badoffsets.safetensors');
    const json = new TextEncoder().encode(
      JSON.stringify({ x: { dtype: 'F32', shape: [4], data_offsets: [0, 8] } }),
    );
    const bytes = new Uint8Array(8 + json.length + 8);
    new DataView(bytes.buffer).setBigUint64(0, BigInt(json.length), true);
    bytes.set(json, 8);
    await writeFile(path, bytes);
    await expect(readSafetensorsHeader(path)).rejects.toThrow(
      /tensor 'x' spans 8 bytes but F32\[4\] needs 16/,
    );
  });
});

describe('sharded checkpoints', () => {
  async function shards(name: string): Promise<string> {
    const sub = join(dir, name);
    await import('node:fs/promises').then((fs) => fs.mkdir(sub));
    await writeSafetensors(join(sub, 'model-00001-of-00002.safetensors'), [
      tensor('x.weight', 'F32', [2, 2]),
    ]);
    await writeSafetensors(join(sub, 'model-00002-of-00002.safetensors'), [tensor('y.weight', 'BF16', [3])]);
    const index = {
      metadata: { total_size: 22 },
      weight_map: {
        'x.weight': 'model-00001-of-00002.safetensors',
        'y.weight': 'model-00002-of-00002.safetensors',
      },
    };
    await writeFile(join(sub, 'model.safetensors.index.json'), JSON.stringify(index));
    return sub;
  }

  it('read tensors from every shard through the index', async () => {
    const sub = await shards('sharded');
    const w = await openWeightsInFolder(sub);
    expect(w.files).toHaveLength(2);
    expect([...w.names()].sort()).toEqual(['x.weight', 'y.weight']);
    expect([...(await w.readF32('y.weight'))]).toEqual([...ramp(3)]);
    expect(w.locate('y.weight')?.path).toBe(join(sub, 'model-00002-of-00002.safetensors'));
  });

  it('refuse an index naming a shard that is not there', async () => {
    const sub = await shards('missing');
    await rm(join(sub, 'model-00002-of-00002.safetensors'));
    await expect(openShardedSafetensors(join(sub, 'model.safetensors.index.json'))).rejects.toThrow(
      /model\.safetensors\.index\.json: shard model-00002-of-00002\.safetensors is missing \(the index maps 'y\.weight' to it\)/,
    );
  });

  it('refuse an index mapping a tensor to a shard that lacks it', async () => {
    const sub = await shards('mismatch');
    const indexPath = join(sub, 'model.safetensors.index.json');
    const index = JSON.parse(await readFile(indexPath, 'utf8')) as { weight_map: Record<string, string> };
    index.weight_map['z.weight'] = 'model-00001-of-00002.safetensors';
    await writeFile(indexPath, JSON.stringify(index));
    await expect(openShardedSafetensors(indexPath)).rejects.toThrow(
      /tensor 'z\.weight' is mapped to model-00001-of-00002\.safetensors/,
    );
  });
});
