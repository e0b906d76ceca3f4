/**
 * The "?" sheet: every keyboard shortcut, read from the same table as the menus and the key bindings, so it
 * can never list a key the app does not obey. A native modal <dialog>: it traps focus and Esc closes it.
 */
import { useEffect, useRef } from 'react';
import { keyLabel, SHORTCUT, SHORTCUTS, type ShortcutGroup } from '../../../../electron/shared/shortcuts';
import { isTypingTarget } from '../../ui/isTypingTarget';

/** Help ▸ Keyboard shortcuts opens the sheet by this window event (the menus reach the page as commands). */
export const SHOW_SHORTCUTS_EVENT = 'qe:show-shortcuts';

const GROUPS: ShortcutGroup[] = ['File', 'Edit', 'View', 'Run', 'Tools', 'Help'];
const mac = typeof navigator !== 'undefined' && /Mac/.test(navigator.platform);

export function ShortcutsSheet() {
  const dialog = useRef<HTMLDialogElement>(null);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const sheet = dialog.current;
      if (!sheet || sheet.open || isTypingTarget(e.target) || !SHORTCUT.shortcuts.test(e)) return;
      e.preventDefault();
      sheet.showModal();
    };
    const listeners = new AbortController();
    window.addEventListener('keydown', onKey, { signal: listeners.signal });
    window.addEventListener(SHOW_SHORTCUTS_EVENT, () => dialog.current?.open || dialog.current?.showModal(), {
      signal: listeners.signal,
    });
    return () => listeners.abort();
  }, []);

  return (
    <dialog ref={dialog} className="shortcuts-sheet" aria-labelledby="shortcuts-sheet-title">
      <div className="shortcuts-sheet-head">
        <h2 id="shortcuts-sheet-title">Keyboard shortcuts</h2>
        <button type="button" onClick={() => dialog.current?.close()}>
          Close
        </button>
      </div>
      {GROUPS.map((group) => {
        const rows = SHORTCUTS.filter((s) => s.group === group && s.accelerator);
        if (!rows.length) return null;
        return (
          <section key={group} aria-label={group}>
            <h3>{group}</h3>
            <table>
              <tbody>
                {rows.map((s) => (
                  <tr key={s.id}>
                    <th scope="row">{s.label}</th>
                    <td>
                      {[s.accelerator!, ...(s.alsoKeys ?? [])].map((k, i) => (
                        <span key={k}>
                          {i > 0 && ' or '}
                          <kbd>{keyLabel(k, mac)}</kbd>
                        </span>
                      ))}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </section>
        );
      })}
    </dialog>
  );
}
