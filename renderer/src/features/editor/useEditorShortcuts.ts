/**
 * Window-wide keys: Ctrl/Cmd+Z undo, Ctrl/Cmd+Shift+Z (or Ctrl+Y) redo for canvas-level actions, Esc cancels
 * the run (or leaves compare), tool letters; and pasting an image opens it. Text fields keep their own undo.
 */
import { useEffect } from 'react';
import type { AppServices } from '../../actions/services';
import type { AppStore } from '../../state/appStore';
import { isTypingTarget } from '../../ui/isTypingTarget';
import { TOOLS } from './RegionTools';

export function useEditorShortcuts(store: AppStore, services: AppServices): void {
  useEffect(() => {
    const { editor, openImage } = services;
    const onKey = (e: KeyboardEvent) => {
      if (e.isComposing || e.keyCode === 229) return;
      const s = store.getState();
      if (e.key === 'Escape') {
        if (s.jobStatus === 'running') {
          e.preventDefault();
          void editor.cancel();
        } else if (s.compareMode !== 'off') s.stopCompare();
        return;
      }
      if (isTypingTarget(e.target)) return;
      const mod = e.ctrlKey || e.metaKey;
      const key = e.key.toLowerCase();
      if (mod && !e.altKey && (key === 'z' || key === 'y')) {
        e.preventDefault();
        if (key === 'y' || e.shiftKey) void editor.redo();
        else void editor.undo();
        return;
      }
      if (mod || e.altKey) return;
      const tool = TOOLS.find((t) => t.key.toLowerCase() === key);
      if (tool && s.project) {
        e.preventDefault();
        s.setTool(tool.tool);
      }
    };
    const onPaste = (e: ClipboardEvent) => {
      if (isTypingTarget(e.target)) return;
      const file = Array.from(e.clipboardData?.files ?? []).find((f) => f.type.startsWith('image/'));
      if (!file) return;
      e.preventDefault();
      void openImage(file.name ? file : new File([file], 'pasted.png', { type: file.type }));
    };
    window.addEventListener('keydown', onKey);
    window.addEventListener('paste', onPaste);
    return () => {
      window.removeEventListener('keydown', onKey);
      window.removeEventListener('paste', onPaste);
    };
  }, [store, services]);
}
