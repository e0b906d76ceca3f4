import { describe, expect, it } from 'vitest';
import { keyLabel, SHORTCUT, SHORTCUTS, type KeyLike } from './shortcuts';

const key = (k: string, mods: Partial<KeyLike> = {}): KeyLike => ({
  key: k,
  ctrlKey: false,
  metaKey: false,
  altKey: false,
  shiftKey: false,
  ...mods,
});

describe('shortcut table', () => {
  it('has unique ids and unique accelerators', () => {
    expect(new Set(SHORTCUTS.map((s) => s.id)).size).toBe(SHORTCUTS.length);
    const accelerators = SHORTCUTS.flatMap((s) => (s.accelerator ? [s.accelerator.toLowerCase()] : []));
    expect(new Set(accelerators).size).toBe(accelerators.length);
  });

  it("each key test accepts the key its accelerator names, and no other shortcut's key", () => {
    const press: Record<string, KeyLike> = {
      undo: key('z', { ctrlKey: true }),
      redo: key('Z', { metaKey: true, shiftKey: true }),
      zoomIn: key('+'),
      zoomFit: key('0'),
      toggleVersions: key('1', { ctrlKey: true }),
      run: key('Enter', { ctrlKey: true }),
      cancel: key('Escape'),
      toolErase: key('e'),
      exportPng: key('e', { ctrlKey: true }),
      shortcuts: key('?', { shiftKey: true }),
    };
    for (const [id, e] of Object.entries(press)) {
      expect(
        SHORTCUTS.filter((s) => s.test(e)).map((s) => s.id),
        id,
      ).toEqual([id]);
    }
    expect(SHORTCUT.redo.test(key('y', { ctrlKey: true }))).toBe(true);
    expect(SHORTCUT.undo.test(key('z', { ctrlKey: true, altKey: true }))).toBe(false);
  });

  it('writes keys the way each platform does', () => {
    expect(keyLabel('CmdOrCtrl+Shift+Z', true)).toBe('⌘⇧Z');
    expect(keyLabel('CmdOrCtrl+Shift+Z', false)).toBe('Ctrl+Shift+Z');
    expect(keyLabel('Plus', false)).toBe('+');
    expect(keyLabel('Escape', false)).toBe('Esc');
  });
});
