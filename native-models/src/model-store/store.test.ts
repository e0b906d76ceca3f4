import {
  cp,
  mkdtemp,
  open,
  readFile,
  rm,
  stat,
  symlink,
  truncate,
  utimes,
  writeFile,
} from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ModelManifest } from './manifest';
import { isCpuPlacementRefusal, openModel } from './open-model';
import { ensureTinyModel } from '../tiny/tiny-model';
import { verifyModelFolder } from './verify';

let tiny: string;
let scratch: string;
beforeAll(async () => {
  tiny = await ensureTinyModel(0);
  scratch = await mkdtemp(join(tmpdir(), 'store-test-'));
});
afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

async function copyOfTiny(name: string): Promise<string> {
  const dir = join(scratch, name);
  await cp(tiny, dir, { recursive: true });
  return dir;
}

const manifestOf = async (dir: string) =>
  JSON.parse(await readFile(join(dir, 'model.json'), 'utf8')) as ModelManifest;

describe('ensureTinyModel', () => {
  it('returns a verified, complete model folder and reuses it', async () => {
    const manifest = await verifyModelFolder(tiny);
    expect(manifest.precision).toBe('fp32');
    expect(Object.keys(manifest.components).length).toBeGreaterThan(0);
    expect(await ensureTinyModel(0)).toBe(tiny);
  });
});

describe('openModel', () => {
  it('loads every component of the tiny model on CPU with the I/O names model.json records', async () => {
    const model = await openModel(tiny, { providers: ['cpu'], verify: 'size' });
    expect([...model.components].sort()).toEqual([
      'generator',
      'modulation',
      'text',
      'transformer',
      'vae_decoder',
      'vae_encoder',
      'vision',
    ]);
    for (const name of model.components) {
      const session = await model.session(name);
      const entry = model.manifest.components[name]!;
      expect([...session.inputNames].sort(), name).toEqual(entry.inputs.map((i) => i.name).sort());
      expect([...session.outputNames].sort(), name).toEqual(entry.outputs.map((o) => o.name).sort());
      await model.release(name);
    }
  });

  it('runs a component on CPU and releases it', async () => {
    const model = await openModel(tiny, { providers: ['cpu'] });
    const decoder = await model.session('vae_decoder');
    expect(model.providerOf('vae_decoder')).toBe('cpu');
    expect(await model.session('vae_decoder')).toBe(decoder);
    const latents = new ort.Tensor(
      'float32',
      new Float32Array(16 * 2 * 2).map((_, i) => Math.sin(i)),
      [1, 16, 2, 2],
    );
    const result = await decoder.run({ [decoder.inputNames[0]!]: latents });
    const image = result[decoder.outputNames[0]!]!;
    expect(image.dims).toEqual([1, 3, 16, 16]);
    expect((image.data as Float32Array).every(Number.isFinite)).toBe(true);
    await model.release();
    expect(model.providerOf('vae_decoder')).toBeUndefined();
    expect(await model.session('vae_decoder')).not.toBe(decoder);
    await model.release();
  });

  it('falls back from CUDA to CPU with one clear log line when CUDA cannot start', async () => {
    const lines: string[] = [];
    const model = await openModel(tiny, {
      providers: ['cuda', 'cpu'],
      verify: 'size',
      log: (l) => lines.push(l),
    });
    await model.session('vae_encoder');
    await model.session('vae_decoder');
    if (model.providerOf('vae_encoder') === 'cuda') {
      expect(lines).toEqual([]);
    } else {
      expect(model.providerOf('vae_encoder')).toBe('cpu');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(
        /^\[native-models\] CUDA execution provider unavailable for vae_encoder \(.+\); falling back to CPU$/,
      );
    }
    await model.release();
  });

  it('runs a component on its own providers when componentProviders names them (modulation on the CPU)', async () => {
    const lines: string[] = [];
    const model = await openModel(tiny, {
      providers: ['webgpu'],
      componentProviders: { modulation: ['cpu'] },
      verify: 'size',
      log: (l) => lines.push(l),
    });
    await model.session('modulation');
    expect(model.providerOf('modulation')).toBe('cpu');
    // The other components get the main list only: WebGPU, or a refusal on a machine without an adapter.
    const decoder = await model.session('vae_decoder').then(
      () => model.providerOf('vae_decoder'),
      (error: Error) => error.message,
    );
    expect(decoder).toMatch(/^webgpu$|no execution provider could load it \(webgpu: /);
    expect(lines.filter((l) => l.includes('modulation'))).toEqual([]);
    await model.release();
  });

  it('tell a CPU-placement refusal from a CUDA load failure', () => {
    expect(
      isCpuPlacementRefusal(
        'This session contains graph nodes that are assigned to the default CPU EP, but fallback to CPU EP has been explicitly disabled by the user.',
      ),
    ).toBe(true);
    expect(isCpuPlacementRefusal('Failed to load library libonnxruntime_providers_cuda.so')).toBe(false);
  });

  it('refuse a folder whose .onnx.data was corrupted (same size, one byte changed)', async () => {
    const dir = await copyOfTiny('corrupt');
    const data = join(dir, 'vae_decoder', 'model.onnx.data');
    const fh = await open(data, 'r+');
    const byte = new Uint8Array(1);
    await fh.read(byte, 0, 1, 65536 + 3);
    byte[0] = byte[0]! ^ 0x55;
    await fh.write(byte, 0, 1, 65536 + 3);
    await fh.close();
    await expect(openModel(dir, { providers: ['cpu'] })).rejects.toThrow(
      /vae_decoder\/model\.onnx\.data: sha256 mismatch \(model\.json records [0-9a-f]{16}…, the file has [0-9a-f]{16}…\)/,
    );
  });

  it("in 'auto' mode trusts files unchanged since the last full check and re-hashes changed ones", async () => {
    const dir = await copyOfTiny('auto');
    await verifyModelFolder(dir, 'auto');
    const stamp = JSON.parse(await readFile(join(dir, '.verified.json'), 'utf8')) as {
      files: Record<string, unknown>;
    };
    expect(Object.keys(stamp.files).sort()).toEqual(Object.keys((await manifestOf(dir)).files).sort());
    const data = join(dir, 'text', 'model.onnx.data');
    const { mtimeMs } = await stat(data);
    const fh = await open(data, 'r+');
    const byte = new Uint8Array(1);
    await fh.read(byte, 0, 1, 100);
    byte[0] = byte[0]! ^ 0x55;
    await fh.write(byte, 0, 1, 100);
    await fh.close();
    // Same size and the modification time set back: the change time still moved, so 'auto' hashes it again.
    await utimes(data, mtimeMs / 1000, mtimeMs / 1000);
    expect(Math.round((await stat(data)).mtimeMs)).toBe(Math.round(mtimeMs));
    await expect(verifyModelFolder(dir, 'auto')).rejects.toThrow(/text\/model\.onnx\.data: sha256 mismatch/);
    await expect(verifyModelFolder(dir, 'sha256')).rejects.toThrow(
      /text\/model\.onnx\.data: sha256 mismatch/,
    );
  });

  it('refuse manifests and folders that reach bytes the hash check does not cover', async () => {
    type Editable = { tokenizer: { dir: string }; components: Record<string, { model: string }> };
    const edit = async (name: string, change: (m: Editable) => void) => {
      const dir = await copyOfTiny(name);
      const manifest = (await manifestOf(dir)) as unknown as Editable;
      change(manifest);
      await writeFile(join(dir, 'model.json'), JSON.stringify(manifest));
      return dir;
    };
    const outside = join(scratch, 'outside.json');
    await writeFile(outside, '{}');
    const climbing = await edit('climb', (m) => {
      m.tokenizer.dir = '../climb-target';
    });
    await expect(verifyModelFolder(climbing, 'size')).rejects.toThrow(
      /tokenizer\.files names \.\.\/climb-target\/\S+, which model\.json does not hash/,
    );
    const unhashedGraph = await edit('unhashed-graph', (m) => {
      m.components.vision!.model = 'vision/other.onnx';
    });
    await expect(verifyModelFolder(unhashedGraph, 'size')).rejects.toThrow(
      /components\.vision\.model names vision\/other\.onnx, which model\.json does not hash/,
    );
    const unlisted = await copyOfTiny('unlisted-tokenizer-file');
    await writeFile(join(unlisted, 'tokenizer', 'unlisted.json'), '{}');
    await expect(verifyModelFolder(unlisted, 'size')).rejects.toThrow(
      /tokenizer\/unlisted\.json is not hashed in model\.json/,
    );
    const linked = await copyOfTiny('symlink-out');
    const config = join(linked, 'tokenizer', 'tokenizer_config.json');
    await cp(config, outside);
    await rm(config);
    await symlink(outside, config);
    await expect(verifyModelFolder(linked, 'sha256')).rejects.toThrow(
      /tokenizer\/tokenizer_config\.json is a symlink that leads out of the model folder/,
    );
  });

  it('refuse a truncated data file even in fast (size-only) mode', async () => {
    const dir = await copyOfTiny('truncated');
    const data = join(dir, 'vae_encoder', 'model.onnx.data');
    const bytes = (await manifestOf(dir)).files['vae_encoder/model.onnx.data']!.bytes;
    await truncate(data, bytes - 10);
    await expect(openModel(dir, { providers: ['cpu'], verify: 'size' })).rejects.toThrow(
      new RegExp(`vae_encoder/model\\.onnx\\.data: ${bytes - 10} bytes, model\\.json records ${bytes}`),
    );
  });

  it('refuse a folder without model.json (an unfinished conversion)', async () => {
    const dir = await copyOfTiny('unfinished');
    await rm(join(dir, 'model.json'));
    await expect(openModel(dir)).rejects.toThrow(/not a model folder \(no model\.json/);
  });

  it('refuse a manifest with a malformed field, naming it', async () => {
    const dir = await copyOfTiny('malformed');
    const manifest = await manifestOf(dir);
    const files = { ...manifest.files, '../outside.bin': { bytes: 1, sha256: '0'.repeat(64) } };
    await writeFile(join(dir, 'model.json'), JSON.stringify({ ...manifest, files }));
    await expect(openModel(dir, { verify: 'size' })).rejects.toThrow(
      /model\.json: malformed manifest at files\.\.\.\/outside\.bin: must be a relative path inside the model folder/,
    );
    await writeFile(join(dir, 'model.json'), JSON.stringify({ ...manifest, precision: 'fp8' }));
    await expect(openModel(dir, { verify: 'size' })).rejects.toThrow(/malformed manifest at precision:/);
  });

  it('refuse a missing component file', async () => {
    const dir = await copyOfTiny('missing');
    await rm(join(dir, 'vae_encoder', 'model.onnx'));
    await expect(openModel(dir, { verify: 'size' })).rejects.toThrow(
      /vae_encoder\/model\.onnx: missing \(listed in model\.json\)/,
    );
  });
});
