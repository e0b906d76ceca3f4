import { describe, expect, it } from 'vitest';
import { createIpcBridge, IPC_DROP } from './ipcTransport';

/** The preload's ipcRenderer; main takes the dropped paths that end in `.png`. */
function fakeIpc() {
  const invoked: unknown[][] = [];
  return {
    invoked,
    invoke: async (channel: string, ...args: unknown[]) => {
      invoked.push([channel, ...args]);
      return channel === IPC_DROP ? (args[0] as string[]).map((p) => p.endsWith('.png')) : undefined;
    },
    on: () => undefined,
    removeListener: () => undefined,
  };
}

describe('the preload bridge hands dropped files to main', () => {
  it('sends the paths of files that have one, and says which main took', async () => {
    const ipc = fakeIpc();
    const [onDisk, notes, made] = [{ n: 'cat.png' }, { n: 'notes.txt' }, { n: 'made-in-page.png' }];
    const paths = new Map<unknown, string>([
      [onDisk, '/home/u/cat.png'],
      [notes, '/home/u/notes.txt'],
      [made, ''],
    ]);
    const bridge = createIpcBridge(ipc, ((file: unknown) => {
      const path = paths.get(file);
      if (path === undefined) throw new TypeError('not a File');
      return path;
    }) as never);
    await expect(bridge.dropFiles!([made, onDisk, 'not a file', notes])).resolves.toEqual([
      false,
      true,
      false,
      false,
    ]);
    expect(ipc.invoked).toEqual([[IPC_DROP, ['/home/u/cat.png', '/home/u/notes.txt']]]);
    // Nothing with a path: main is not asked.
    await expect(bridge.dropFiles!([made])).resolves.toEqual([false]);
    expect(ipc.invoked).toHaveLength(1);
  });

  it('offers no drop hand-off without a way to read paths', () => {
    expect(createIpcBridge(fakeIpc()).dropFiles).toBeUndefined();
  });
});
