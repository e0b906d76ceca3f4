/**
 * Where the hub access token is kept: encrypted with the OS keychain (Electron's `safeStorage`, passed in as
 * a cipher) when it is available, else in a file only the user can read (0600). The token is handed to the
 * engine with each download and never logged or sent back to the UI (which learns only whether one is set).
 */
import { chmod, readFile, rm, writeFile } from 'node:fs/promises';

export type TokenCipher = {
  available(): boolean;
  encrypt(plain: string): Buffer;
  decrypt(encrypted: Buffer): string;
};

export type TokenVault = {
  read(): Promise<string | undefined>;
  save(token: string | null): Promise<void>;
};

/** `path` holds the plain token (0600); `path.enc` the keychain-encrypted one. */
export function tokenVault(path: string, cipher?: TokenCipher): TokenVault {
  const encrypted = `${path}.enc`;
  const useCipher = () => cipher?.available() === true;
  return {
    async read() {
      if (useCipher()) {
        const bytes = await readFile(encrypted).catch(() => null);
        if (bytes) return cipher!.decrypt(bytes) || undefined;
      }
      const text = await readFile(path, 'utf8').catch(() => '');
      return text.trim() || undefined;
    },
    async save(token) {
      await rm(encrypted, { force: true });
      await rm(path, { force: true });
      if (!token) return;
      if (useCipher()) {
        await writeFile(encrypted, cipher!.encrypt(token), { mode: 0o600 });
        return;
      }
      await writeFile(path, `${token}\n`, { mode: 0o600 });
      await chmod(path, 0o600);
    },
  };
}
