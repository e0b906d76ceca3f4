/**
 * The packaged app's fuses (issue 10, item 5): the builder config runs the afterPack hook, and the hook,
 * run as electron-builder runs it, flips a real fuse wire (a stand-in binary with Electron's sentinel and
 * an all-enabled V1 wire) to the required states.
 */
import fuses from '@electron/fuses';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { FuseV1Options } from '@electron/fuses';

const root = new URL('..', import.meta.url).pathname;
/** The wire's bytes: ASCII '0' off, '1' on (@electron/fuses' FuseState). */
const OFF = '0'.charCodeAt(0);
const ON = '1'.charCodeAt(0);
/** What Electron's binary carries before its fuse wire (@electron/fuses' SENTINEL). */
const SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';

describe('electron fuses at packaging', () => {
  it('electron-builder.yml runs the afterPack hook', async () => {
    const yml = await readFile(join(root, 'build/electron-builder.yml'), 'utf8');
    expect(yml).toMatch(/^afterPack: \.\/build\/scripts\/afterPack\.mjs$/m);
  });

  it('the hook turns RunAsNode, NODE_OPTIONS and --inspect off, asar integrity and asar-only on', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'qe-fuses-'));
    const binary = join(dir, 'qwen-edit-studio');
    const wireLength = 8;
    await writeFile(
      binary,
      Buffer.concat([
        Buffer.from('ELF stand-in…'),
        Buffer.from(SENTINEL),
        Buffer.from([1, wireLength]),
        Buffer.alloc(wireLength, ON),
        Buffer.from('…rest of the binary'),
      ]),
    );
    const hook = await import('./scripts/afterPack.mjs');
    // The packager's addElectronFuses resolves the binary from appOutDir; here it is the stand-in.
    await hook.default({
      appOutDir: dir,
      electronPlatformName: 'linux',
      packager: { addElectronFuses: (_context: unknown, config: never) => fuses.flipFuses(binary, config) },
    });
    const wire = await fuses.getCurrentFuseWire(binary);
    const state = (o: FuseV1Options) => wire[o];
    const O = fuses.FuseV1Options;
    const S = { DISABLE: OFF, ENABLE: ON };
    expect(state(O.RunAsNode)).toBe(S.DISABLE);
    expect(state(O.EnableNodeOptionsEnvironmentVariable)).toBe(S.DISABLE);
    expect(state(O.EnableNodeCliInspectArguments)).toBe(S.DISABLE);
    expect(state(O.EnableEmbeddedAsarIntegrityValidation)).toBe(S.ENABLE);
    expect(state(O.OnlyLoadAppFromAsar)).toBe(S.ENABLE);
    expect(state(O.GrantFileProtocolExtraPrivileges)).toBe(S.DISABLE);
  });
});
