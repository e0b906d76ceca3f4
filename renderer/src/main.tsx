/**
 * The renderer's composition root: one store, one contract client, one image opener, then React.
 */
import type Konva from 'konva';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app/App';
import { AppServicesContext, type AppServices } from './app/services';
import { preventFileNavigation } from './app/preventFileNavigation';
import { installTestHook, isTestMode } from './app/testHook';
import { connectToApp } from './bridge/appClient';
import { startEngineSync } from './bridge/engineSync';
import { ImageRegistry } from './features/open/imageRegistry';
import { createImageOpener } from './features/open/openImageFile';
import { createAppStore } from './store/appStore';
import { AppStoreContext } from './store/useAppStore';
import './styles/app.css';

const store = createAppStore();
const { client } = connectToApp((detail) => store.getState().setConnection('closed', detail));
startEngineSync(client, store);

const images = new ImageRegistry();
const services: AppServices = {
  client,
  images,
  openImage: createImageOpener({
    client,
    store,
    images,
    decode: (bytes, type) => createImageBitmap(new Blob([bytes as Uint8Array<ArrayBuffer>], { type })),
  }),
};

preventFileNavigation();

let stage: Konva.Stage | null = null;
if (isTestMode(window.location.href)) installTestHook(store, () => stage);

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root');
createRoot(root).render(
  <StrictMode>
    <AppStoreContext.Provider value={store}>
      <AppServicesContext.Provider value={services}>
        <App
          onStage={(s) => {
            stage = s;
          }}
        />
      </AppServicesContext.Provider>
    </AppStoreContext.Provider>
  </StrictMode>,
);
