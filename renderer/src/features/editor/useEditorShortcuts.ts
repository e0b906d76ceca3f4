/**
 * Window-wide keys, read from the actions' own bindings (undo/redo, Esc, zoom, tool letters); and pasting an image
 * opens it. Text fields keep their own keys, except the bindings marked `whileTyping`.
 */
import { useEffect } from 'react';
import { COMPARE_KEYS } from '../../actions/exportActions';
import type { KeyBinding } from '../../actions/keyBinding';
import { RUN_KEYS } from '../../actions/runActions';
import type { AppServices } from '../../actions/services';
import { TOOL_KEYS } from '../../actions/tools';
import { VARIATION_KEYS } from '../../actions/variationActions';
import { VERSION_KEYS } from '../../actions/versionActions';
import { VIEW_KEYS } from '../../actions/viewActions';
import type { AppStore } from '../../state/appStore';
import { isTypingTarget } from '../../ui/isTypingTarget';

const BINDINGS: KeyBinding<AppServices['editor']>[] = [
  ...VARIATION_KEYS,
  ...RUN_KEYS,
  ...COMPARE_KEYS,
  ...VERSION_KEYS,
  ...VIEW_KEYS,
  ...TOOL_KEYS,
];

export function useEditorShortcuts(store: AppStore, services: AppServices): void {
  useEffect(() => {
    const { editor, openImage } = services;
    const onKey = (e: KeyboardEvent) => {
      if (e.isComposing || e.keyCode === 229) return;
      const s = store.getState();
      const typing = isTypingTarget(e.target);
      const binding = BINDINGS.find((b) => (b.whileTyping || !typing) && b.keyTest(e, s));
      if (!binding) return;
      if (!binding.keepDefault) e.preventDefault();
      binding.perform(editor, s);
    };
    const onPaste = (e: ClipboardEvent) => {
      if (isTypingTarget(e.target)) return;
      const file = Array.from(e.clipboardData?.files ?? []).find((f) => f.type.startsWith('image/'));
      if (!file) return;
      e.preventDefault();
      void openImage(file.name ? file : new File([file], 'pasted.png', { type: file.type }));
    };
    const listeners = new AbortController();
    window.addEventListener('keydown', onKey, { signal: listeners.signal });
    window.addEventListener('paste', onPaste, { signal: listeners.signal });
    return () => listeners.abort();
  }, [store, services]);
}
