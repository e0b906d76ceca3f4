/**
 * "Describe" in a version's context menu (right click, or Shift+F10 / the menu key on the focused row): the
 * model's own language model captions the version offline, the caption streams in beside it and can be
 * copied (alt text, a file name, something to search for).
 */
import { useEffect, useRef, useState, type KeyboardEvent, type MouseEvent, type ReactNode } from 'react';
import { useServices } from '../../actions/services';

type Caption = { text: string; streaming: boolean; demo: boolean; copied: 'yes' | 'failed' | null };

const stop = (e: { stopPropagation(): void }) => e.stopPropagation();

export function useVersionCaption(versionId: string): {
  onContextMenu(e: MouseEvent): void;
  onKeyDown(e: KeyboardEvent): void;
  view: ReactNode;
} {
  const { editor } = useServices();
  const [menuOpen, setMenuOpen] = useState(false);
  const [caption, setCaption] = useState<Caption | null>(null);
  const item = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    if (!menuOpen) return;
    item.current?.focus();
    const close = (e: PointerEvent) => {
      if (!item.current?.parentElement?.contains(e.target as Node)) setMenuOpen(false);
    };
    document.addEventListener('pointerdown', close);
    return () => document.removeEventListener('pointerdown', close);
  }, [menuOpen]);

  const describe = async () => {
    setMenuOpen(false);
    setCaption({ text: '', streaming: true, demo: false, copied: null });
    const outcome = await editor.describeVersion(versionId, (delta) =>
      setCaption((c) => (c ? { ...c, text: c.text + delta } : c)),
    );
    if (!outcome.ok) return setCaption(null);
    setCaption({ text: outcome.result.text, streaming: false, demo: outcome.result.demo, copied: null });
  };

  const copy = async (text: string) => {
    const copied = await navigator.clipboard.writeText(text).then(
      () => 'yes' as const,
      () => 'failed' as const,
    );
    setCaption((c) => (c ? { ...c, copied } : c));
  };

  const view = (
    <>
      {menuOpen && (
        <span
          className="version-menu"
          role="menu"
          aria-label="Version menu"
          onClick={stop}
          onKeyDown={(e) => {
            e.stopPropagation();
            if (e.key === 'Escape') setMenuOpen(false);
          }}
        >
          <button
            ref={item}
            type="button"
            role="menuitem"
            className="button"
            disabled={caption?.streaming === true}
            onClick={() => void describe()}
            title="Caption this version with the model's own language model, offline"
          >
            Describe
          </button>
        </span>
      )}
      {caption && (
        <span className="version-caption" role="group" aria-label="Description" onClick={stop}>
          {caption.demo && (
            <span className="version-caption-note">
              Demo model (random weights): this caption is gibberish.
            </span>
          )}
          <span className="version-caption-text" aria-busy={caption.streaming} data-testid="version-caption">
            {caption.text}
          </span>
          {caption.streaming ? (
            <button type="button" className="button" onClick={() => void editor.cancelDescribe()}>
              Stop
            </button>
          ) : (
            <>
              <button
                type="button"
                className="button"
                disabled={!caption.text}
                onClick={() => void copy(caption.text)}
                title="Copy the caption to the clipboard"
              >
                {caption.copied === 'yes' ? 'Copied' : 'Copy'}
              </button>
              <button type="button" className="button" onClick={() => setCaption(null)}>
                Close
              </button>
              {caption.copied === 'failed' && (
                <span className="version-caption-note">The clipboard refused: select the text instead.</span>
              )}
            </>
          )}
        </span>
      )}
    </>
  );

  return {
    onContextMenu: (e) => {
      e.preventDefault();
      setMenuOpen(true);
    },
    onKeyDown: (e) => {
      if (e.target !== e.currentTarget) return;
      if (e.key === 'ContextMenu' || (e.key === 'F10' && e.shiftKey)) {
        e.preventDefault();
        e.stopPropagation();
        setMenuOpen(true);
      }
    },
    view,
  };
}
