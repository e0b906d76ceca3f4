import { useSyncExternalStore } from 'react';
import type { ImageRegistry } from '../open/imageRegistry';

/** The decoded bitmap for the store's image id, re-rendering when the registry changes. */
export function useImageBitmap(images: ImageRegistry, id: number | undefined): ImageBitmap | undefined {
  return useSyncExternalStore(
    (onChange) => images.onChange(onChange),
    () => images.get(id),
  );
}
