/**
 * Brokers the preview channel (design.md §1): a MessageChannelMain with one port in the engine utilityProcess
 * and the other in the page, so frames go engine → renderer without passing through main. Brokered again
 * whenever either end is replaced: a page load (reload included) or an engine restart.
 */
import { MessageChannelMain, type UtilityProcess, type WebContents } from 'electron';
import { IPC_PREVIEW_PORT } from '../shared/transport/ipcTransport';

export type PreviewBroker = {
  /** A freshly started engine, or null once it has exited. */
  setEngine(engine: UtilityProcess | null): void;
  /** A page that has finished loading, or null while one is loading (its scripts could miss the port). */
  setPage(page: WebContents | null): void;
};

export function createPreviewBroker(): PreviewBroker {
  let engine: UtilityProcess | null = null;
  let page: WebContents | null = null;
  const broker = () => {
    if (!engine || !page || page.isDestroyed()) return;
    const { port1, port2 } = new MessageChannelMain();
    engine.postMessage({ type: 'preview-port' }, [port1]);
    page.postMessage(IPC_PREVIEW_PORT, null, [port2]);
  };
  return {
    setEngine(next) {
      engine = next;
      broker();
    },
    setPage(next) {
      page = next;
      broker();
    },
  };
}
