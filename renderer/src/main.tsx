/**
 * The renderer's composition root: one store, one contract client, one image opener, then React.
 */
import type Konva from 'konva';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app/App';
import { AppServicesContext, type AppServices } from './actions/services';
import { preventFileNavigation } from './app/preventFileNavigation';
import { installTestHook, isTestMode } from './app/testHook';
import { connectToApp } from './bridge/appClient';
import { bindMenuOnlyKeys, connectDesktopShell, handOffToShell } from './bridge/desktopShell';
import { createPanels } from './app/panels';
import { createShellHandlers } from './app/shellCommands';
import { SHOW_SHORTCUTS_EVENT } from './features/help/ShortcutsSheet';
import { startEngineSync } from './bridge/engineSync';
import { persistAcrossReloads } from './bridge/persistAcrossReloads';
import { resumeAfterReconnect } from './bridge/resumeAfterReconnect';
import { PreviewSink } from './ui/previewSink';
import { createEditor } from './actions/Editor';
import { copyPngToClipboard, downloadBytes, rasterizeMask } from './features/editor/pageIO';
import { ImageRegistry } from './ui/imageRegistry';
import { createImageOpener } from './actions/openImageFile';
import { createAppStore } from './state/appStore';
import { AppStoreContext } from './state/useAppStore';
import './styles/app.css';

const store = createAppStore();
const { client, transport } = connectToApp({
  lost: (detail) => store.getState().setConnection('closed', `${detail}; reconnecting…`),
  restored: () => void resumeAfterReconnect(client, store),
});
startEngineSync(client, store);

const images = new ImageRegistry();
const preview = new PreviewSink();
client.onPreview((frame, ack) => preview.offer(frame, ack));
const decode = (bytes: Uint8Array, type: string) =>
  createImageBitmap(new Blob([bytes as Uint8Array<ArrayBuffer>], { type }));
const editor = createEditor({
  client,
  store,
  images,
  decode,
  preview,
  rasterizeMask,
  download: downloadBytes,
  copyImage: copyPngToClipboard,
});
const openImage = createImageOpener({ client, store, editor, decode });
const panels = createPanels();
const shell = createShellHandlers({
  store,
  editor,
  client,
  openImage,
  panels,
  showShortcuts: () => window.dispatchEvent(new Event(SHOW_SHORTCUTS_EVENT)),
});
if (transport === 'ipc') connectDesktopShell({ client, store, panels, shell });
else bindMenuOnlyKeys(shell);
const services: AppServices = {
  client,
  images,
  editor,
  preview,
  openImage: handOffToShell(window.qwenEdit, openImage),
};
const storage = localStorageOrNull();
if (storage)
  persistAcrossReloads(store, storage, async (path) => {
    const answer = await client.request('project:open', { path });
    if (!answer.ok) return false;
    // The user may have opened something while the last project was loading: theirs wins.
    if (store.getState().project === null) await editor.showProject(answer.value);
    return true;
  });
// Deletions wait out their undo window; closing the window must not lose them.
window.addEventListener('pagehide', () => void editor.commitPendingDeletes());

preventFileNavigation();

let stage: Konva.Stage | null = null;
if (isTestMode(window.location.href)) installTestHook(store, () => stage, preview, { shell, panels });

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root');
createRoot(root).render(
  <StrictMode>
    <AppStoreContext.Provider value={store}>
      <AppServicesContext.Provider value={services}>
        <App
          panels={panels}
          onStage={(s) => {
            stage = s;
          }}
        />
      </AppServicesContext.Provider>
    </AppStoreContext.Provider>
  </StrictMode>,
);

function localStorageOrNull(): Storage | null {
  try {
    return window.localStorage;
  } catch {
    return null; // storage blocked by the browser's settings: nothing persists across reloads
  }
}
