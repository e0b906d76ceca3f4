/**
 * The contract's `shell:*` requests, served by Electron main: the page's menu state, reading an image the
 * user picked, and writing an export to the file a save dialog picked. The page names paths, but only those
 * main's own dialogs, drops and launches picked are honoured, so a compromised page reads and writes nothing
 * else. No Electron import: tested in plain Node on real files.
 */
import { readFile, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { writeFileAtomic } from '../../core/projects/atomicWrite';
import { toWriteError } from '../../core/projects/errors';
import { nodeProjectFs } from '../../core/projects/projectFs';
import { MAX_IMAGE_BYTES } from '../../shared/contract';
import type { Handlers } from '../../shared/dispatcher';
import { CodedError } from '../../shared/result';
import { isImagePath } from './openArgs';
import type { PickedPaths } from './pickedPaths';

export type ShellHandlerDeps = {
  picked: PickedPaths;
  /** Takes the page's reported state (untrusted) and rebuilds the menus from it. */
  setMenuState(state: unknown): void;
};

export function createShellHandlers(deps: ShellHandlerDeps): Handlers {
  const { picked } = deps;
  return {
    'shell:menuState': async ({ state }) => {
      deps.setMenuState(state);
      return {};
    },

    'shell:readPicked': async ({ path }) => {
      if (!picked.allows(path) || !isImagePath(path))
        throw new CodedError('NOT_FOUND', `${basename(path)} is not an image opened in this window`);
      const info = await stat(path).catch(() => null);
      if (!info?.isFile()) throw new CodedError('NOT_FOUND', `${basename(path)} is no longer there`);
      if (info.size > MAX_IMAGE_BYTES)
        throw new CodedError(
          'IMAGE_TOO_LARGE',
          `${basename(path)} is ${Math.round(info.size / 2 ** 20)} MB; the limit is ${MAX_IMAGE_BYTES / 2 ** 20} MB`,
        );
      return { name: basename(path), bytes: new Uint8Array(await readFile(path)) };
    },

    'shell:writeExport': async ({ path, bytes }) => {
      if (!picked.takeSaveTarget(path))
        throw new CodedError(
          'NOT_FOUND',
          `${basename(path)} was not picked in a save dialog for this export`,
        );
      try {
        // Atomic: a failed write leaves the file the user chose to replace as it was.
        await writeFileAtomic(nodeProjectFs, path, bytes);
      } catch (error) {
        // The user still wants this file: the next try may write it.
        picked.pickSaveTarget(path);
        throw toWriteError(error, basename(path));
      }
      return { path };
    },
  };
}
