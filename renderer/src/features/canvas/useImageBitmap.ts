import { useSyncExternalStore } from 'react';
import type { ImageRegistry } from '../../ui/imageRegistry';

/** The decoded bitmap for a registry key, re-rendering when the registry changes. */
export function useImageBitmap(
  images: ImageRegistry,
  key: string | null | undefined,
): ImageBitmap | undefined {
  return useSyncExternalStore(
    (onChange) => images.onChange(onChange),
    () => images.get(key),
  );
}
