import { useEffect, useRef, type ReactNode } from 'react';
import { useServices } from '../../actions/services';
import { ACCEPTED_IMAGE_TYPES } from '../../actions/openImageFile';

/** A visible button backed by a real file input (so tests and assistive tech can drive either). */
export function OpenImageButton({
  className,
  children,
  shortcut = false,
}: {
  className?: string;
  children?: ReactNode;
  /** This button answers Ctrl/Cmd+O (one button per window should). */
  shortcut?: boolean;
}) {
  const { openImage } = useServices();
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => {
    if (!shortcut) return;
    const onKey = (e: KeyboardEvent) => {
      if ((e.ctrlKey || e.metaKey) && !e.altKey && e.key.toLowerCase() === 'o') {
        e.preventDefault();
        input.current?.click();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [shortcut]);
  return (
    <>
      <button
        type="button"
        className={className}
        onClick={() => input.current?.click()}
        title={shortcut ? 'Open an image (Ctrl+O)' : 'Open an image'}
      >
        {children ?? 'Open image…'}
      </button>
      <input
        ref={input}
        type="file"
        className="visually-hidden"
        tabIndex={-1}
        aria-label="Image file to open"
        accept={ACCEPTED_IMAGE_TYPES.join(',')}
        onChange={(e) => {
          const file = e.currentTarget.files?.[0];
          // Clearing lets the same file be picked again after an edit or an error.
          e.currentTarget.value = '';
          if (file) void openImage(file);
        }}
      />
    </>
  );
}
