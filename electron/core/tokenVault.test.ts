import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tokenVault } from './tokenVault';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vault-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('the access token vault', () => {
  it('without a keychain: a file only the user can read; clearing removes it', async () => {
    const vault = tokenVault(join(dir, 'plain'));
    expect(await vault.read()).toBeUndefined();
    await vault.save('hf_secret');
    expect(await vault.read()).toBe('hf_secret');
    expect((await stat(join(dir, 'plain'))).mode & 0o777).toBe(0o600);
    await vault.save(null);
    expect(await vault.read()).toBeUndefined();
  });

  it('with a keychain: only the encrypted form is written', async () => {
    // A reversible stand-in for safeStorage (which needs Electron): the file must not contain the token.
    const cipher = {
      available: () => true,
      encrypt: (s: string) => Buffer.from(Buffer.from(s, 'utf8').map((b) => b ^ 0x5a)),
      decrypt: (b: Buffer) => Buffer.from(b.map((x) => x ^ 0x5a)).toString('utf8'),
    };
    const vault = tokenVault(join(dir, 'enc'), cipher);
    await vault.save('hf_secret');
    expect(await vault.read()).toBe('hf_secret');
    expect((await readFile(join(dir, 'enc.enc'))).toString('utf8')).not.toContain('hf_secret');
    await expect(stat(join(dir, 'enc'))).rejects.toThrow();
  });
});
