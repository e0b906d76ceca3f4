import { describe, expect, it } from 'vitest';
import { createIpcBridge, IPC_DROP } from './ipcTransport';

/** The preload's ipcRenderer, recording one-way sends. */
function fakeIpc() {
  const sent: unknown[][] = [];
  return {
    sent,
    invoke: async () => undefined,
    on: () => undefined,
    removeListener: () => undefined,
    send: (channel: string, ...args: unknown[]) => void sent.push([channel, ...args]),
  };
}

describe('the preload bridge hands dropped files to main', () => {
  it('sends the paths of files that have one and leaves the others to the page', () => {
    const ipc = fakeIpc();
    const onDisk = { name: 'cat.png' };
    const made = { name: 'made-in-page.png' };
    const paths = new Map<unknown, string>([
      [onDisk, '/home/u/cat.png'],
      [made, ''],
    ]);
    const bridge = createIpcBridge(ipc, ((file: unknown) => {
      const path = paths.get(file);
      if (path === undefined) throw new TypeError('not a File');
      return path;
    }) as never);
    expect(bridge.dropFiles!([onDisk, made, 'not a file'])).toEqual([true, false, false]);
    expect(ipc.sent).toEqual([[IPC_DROP, ['/home/u/cat.png']]]);
    expect(bridge.dropFiles!([made])).toEqual([false]);
    expect(ipc.sent).toHaveLength(1);
  });

  it('offers no drop hand-off without a way to read paths', () => {
    expect(createIpcBridge(fakeIpc()).dropFiles).toBeUndefined();
  });
});
