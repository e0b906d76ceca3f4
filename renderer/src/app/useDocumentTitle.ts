import { useEffect } from 'react';
import { useAppStore } from '../state/useAppStore';

const APP_NAME = 'Qwen Edit Studio';

/** `photo.png — Qwen Edit Studio` while an image is open, so windows and tabs can be told apart. */
export function useDocumentTitle(): void {
  const name = useAppStore((s) => s.image?.name ?? null);
  useEffect(() => {
    document.title = name ? `${name} — ${APP_NAME}` : APP_NAME;
  }, [name]);
}
