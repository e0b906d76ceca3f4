/** An editor context for action tests: a fresh store and a client over the real dispatcher with `handlers`. */
import { createContractClient, type RawTransport } from '../../../electron/shared/client';
import { createDispatcher, type Handlers } from '../../../electron/shared/dispatcher';
import { createEditorContext } from '../actions/editorContext';
import { createAppStore } from '../state/appStore';
import { ImageRegistry } from '../ui/imageRegistry';
import { FakeBitmap } from './fakeBitmap';

export function testEditorContext(handlers: Handlers) {
  const dispatch = createDispatcher(handlers);
  const transport: RawTransport = {
    send: (method, params) => dispatch(method, params),
    subscribe: () => () => undefined,
    subscribePreview: () => () => undefined,
  };
  const store = createAppStore();
  const ctx = createEditorContext({
    client: createContractClient(transport),
    store,
    images: new ImageRegistry<FakeBitmap>(),
    decode: async (bytes) => new FakeBitmap(bytes[0]!, bytes[1]!),
    rasterizeMask: async () => new Uint8Array(),
  });
  return { store, ctx };
}
