/** The app's non-React services, handed to components by context: the contract client, the editor, images. */
import { createContext, useContext } from 'react';
import type { ContractClient } from '../../../electron/shared/client';
import type { PreviewSink } from '../ui/previewSink';
import type { Editor } from './Editor';
import type { ImageRegistry } from '../ui/imageRegistry';
import type { ImageOpener } from './openImageFile';

export type AppServices = {
  client: ContractClient;
  images: ImageRegistry;
  openImage: ImageOpener;
  editor: Editor;
  preview: PreviewSink;
};

export const AppServicesContext = createContext<AppServices | null>(null);

export function useServices(): AppServices {
  const services = useContext(AppServicesContext);
  if (!services) throw new Error('useServices used outside <AppServicesContext.Provider>');
  return services;
}
