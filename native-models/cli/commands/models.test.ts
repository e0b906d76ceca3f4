import { mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startHubServer } from '../../src/model-manager/testing/hub-server';
import type { HubServer } from '../../src/model-manager/testing/hub-server';
import { DEFAULT_TINY_SIZES } from '../../src/tiny/configs';
import { ensureTinyCheckpoint } from '../../src/tiny/ensure';
import { main } from '../main';

let work: string;
let root: string;
let source: string;
let hub: HubServer;
let hub2509: HubServer;
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'cli-models-'));
  root = join(work, 'models');
  source = await ensureTinyCheckpoint(0);
  hub = await startHubServer(source);
  hub2509 = await startHubServer(
    await ensureTinyCheckpoint(0, DEFAULT_TINY_SIZES, 'edit-2509'),
    'Qwen/Qwen-Image-Edit-2509',
  );
});
afterAll(async () => {
  await hub.close();
  await hub2509.close();
  await rm(work, { recursive: true, force: true });
});

const cli = (...argv: string[]) => cliAt(root, ...argv);

/** `qwen-edit models … --dir <dir>` with its output captured. */
async function cliAt(dir: string, ...argv: string[]) {
  const lines: string[] = [];
  const capture = (...args: unknown[]) => void lines.push(args.join(' '));
  const log = vi.spyOn(console, 'log').mockImplementation(capture);
  const error = vi.spyOn(console, 'error').mockImplementation(capture);
  const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  try {
    return { code: await main(['models', ...argv, '--dir', dir]), output: lines.join('\n') };
  } finally {
    log.mockRestore();
    error.mockRestore();
    stderr.mockRestore();
  }
}

describe('qwen-edit models', () => {
  it('pull → convert → active → list → an edit runs with it → verify → rm', async () => {
    const pulled = await cli(
      'pull',
      'qwen-image-edit',
      '--endpoint',
      hub.endpoint,
      '--precision',
      'fp32',
      '--delete-source',
    );
    expect(pulled.output).toContain(`downloaded Qwen/Qwen-Image-Edit@${hub.sha}`);
    expect(pulled).toMatchObject({ code: 0 });
    expect(pulled.output).toContain('installed qwen-image-edit-fp32');
    expect(pulled.output).toContain('(active)');
    // The downloaded checkpoint was removed after the conversion, as asked.
    expect(await readdir(join(root, '.sources'))).toEqual([]);

    const listed = await cli('list');
    expect(listed.output).toMatch(
      /qwen-image-edit-2511-lightning-4step\s+lightx2v\/Qwen-Image-Edit-2511-Lightning@main\s+Apache-2\.0/,
    );
    expect(listed.output).toMatch(
      new RegExp(
        `\\* qwen-image-edit-fp32\\s+Qwen-Image-Edit \\(fp32\\)  fp32  0\\.\\d\\d GB  Qwen/Qwen-Image-Edit@${hub.sha.slice(0, 12)}  never used`,
      ),
    );
    expect(listed.output).toContain('Demo model (tiny, random weights');
    const record = JSON.parse(await readFile(join(root, 'qwen-image-edit-fp32', 'install.json'), 'utf8')) as {
      sourceHashes: Record<string, string>;
    };
    const shard = hub.files.find((f) => f.path.startsWith('transformer/') && f.lfs)!;
    expect(record.sourceHashes[shard.path]).toBe(shard.lfs!.oid);

    const input = join(work, 'in.png');
    await sharp({ create: { width: 128, height: 96, channels: 3, background: '#336699' } })
      .png()
      .toFile(input);
    const out = join(work, 'out.png');
    const model = join(root, 'qwen-image-edit-fp32');
    expect(
      await main([
        'edit',
        '--model',
        model,
        '--image',
        input,
        '--prompt',
        'x',
        '--steps',
        '1',
        '--size',
        '128x96',
        '--out',
        out,
        '--threads',
        '1',
      ]),
    ).toBe(0);
    expect((await sharp(out).metadata()).width).toBe(128);

    expect(await cli('verify', 'qwen-image-edit-fp32')).toMatchObject({
      code: 0,
      output: expect.stringMatching(/all \d+ files match/),
    });
    const data = (await readdir(join(model, 'transformer'))).find((f) => !f.endsWith('.onnx'))!;
    const bytes = await readFile(join(model, 'transformer', data));
    bytes[bytes.length >> 1]! ^= 0xff;
    await writeFile(join(model, 'transformer', data), bytes);
    const bad = await cli('verify', 'qwen-image-edit-fp32');
    expect(bad.code).toBe(1);
    expect(bad.output).toContain(data);

    const plan = await cli('plan', '--size', '512x512', '--device', 'cpu');
    expect(plan.output).toContain('basis: measured sizes of qwen-image-edit-fp32');
    expect(plan.output).toMatch(/fits {2}fp32\s+resident/);

    expect(await cli('rm', 'qwen-image-edit-fp32')).toMatchObject({
      code: 2,
      output: expect.stringContaining('--yes'),
    });
    expect(await cli('rm', 'qwen-image-edit-fp32', '--yes')).toMatchObject({ code: 0 });
    expect((await cli('list')).output).toMatch(/\* \(demo\)/);
  });

  it('downloads 2509 and converts it into a folder that records the variant', async () => {
    // A library of its own: nothing the test above leaves behind can touch it.
    const library = join(work, 'models-2509');
    const pulled = await cliAt(library, 'pull', 'qwen-image-edit-2509', '--endpoint', hub2509.endpoint);
    expect(pulled).toMatchObject({ code: 0 });
    expect(pulled.output).toContain(`downloaded Qwen/Qwen-Image-Edit-2509@${hub2509.sha}`);
    const converted = await cliAt(library, 'convert', 'qwen-image-edit-2509', '--precision', 'fp32');
    expect(converted.code).toBe(0);
    const manifest = JSON.parse(
      await readFile(join(library, 'qwen-image-edit-2509-fp32', 'model.json'), 'utf8'),
    ) as { pipeline: string; variant: string };
    expect(manifest).toMatchObject({ pipeline: 'QwenImageEditPlusPipeline', variant: 'edit-2509' });
  });

  it('imports the Hugging Face cache layout in place, and refuses a folder that is not a checkpoint', async () => {
    const cache = join(work, 'hub', 'models--Qwen--Qwen-Image-Edit');
    const snapshot = join(cache, 'snapshots', hub.sha);
    for (const f of hub.files) {
      await mkdir(join(snapshot, f.path, '..'), { recursive: true });
      await symlink(join(source, f.path), join(snapshot, f.path));
    }
    await mkdir(join(cache, 'refs'), { recursive: true });
    await writeFile(join(cache, 'refs', 'main'), hub.sha);
    const imported = await cli('import', cache);
    expect(imported).toMatchObject({ code: 0 });
    expect(imported.output).toContain(
      `checkpoint ${snapshot} (QwenImageEditPipeline, Qwen/Qwen-Image-Edit@${hub.sha}) is valid; it is used in place`,
    );
    const wrong = await cli('import', work);
    expect(wrong.code).toBe(1);
    expect(wrong.output).toMatch(/model_index\.json: file not found/);
  });
});
