/** The window's top bar: the app name, Open, and the view controls. */
import { OpenImageButton } from '../features/open/OpenImageButton';
import { RecentProjects } from '../features/project/RecentProjects';
import { ModelsButton } from '../features/models/ModelsButton';
import { useServices } from '../actions/services';
import { useAppStore } from '../state/useAppStore';

export function TopBar() {
  const hasImage = useAppStore((s) => s.image !== null);
  const fitToView = useAppStore((s) => s.fitToView);
  const zoomToActual = useAppStore((s) => s.zoomToActual);
  const zoomBy = useAppStore((s) => s.zoomBy);
  const { editor } = useServices();
  const canUndo = useAppStore((s) => s.past.length > 0);
  const canRedo = useAppStore((s) => s.future.length > 0);
  const undoLabel = useAppStore((s) => s.past.at(-1)?.label);
  const redoLabel = useAppStore((s) => s.future.at(-1)?.label);
  return (
    <header className="top-bar">
      <div className="brand">
        <span className="brand-mark" aria-hidden="true" />
        <span className="brand-name">Qwen Edit Studio</span>
      </div>
      <nav className="top-actions" aria-label="File">
        <OpenImageButton className="button button-primary" shortcut />
        <RecentProjects />
        <ModelsButton />
      </nav>
      <div className="history-controls" role="toolbar" aria-label="History">
        <button
          type="button"
          className="button"
          disabled={!canUndo}
          onClick={() => void editor.undo()}
          title={`Undo ${undoLabel ?? ''} (Ctrl+Z)`}
        >
          Undo
        </button>
        <button
          type="button"
          className="button"
          disabled={!canRedo}
          onClick={() => void editor.redo()}
          title={`Redo ${redoLabel ?? ''} (Ctrl+Shift+Z)`}
        >
          Redo
        </button>
      </div>
      <div className="top-spacer" />
      <div className="view-controls" role="toolbar" aria-label="View">
        <button
          type="button"
          className="button"
          disabled={!hasImage}
          onClick={() => zoomBy(1 / 1.25)}
          title="Zoom out (−)"
          aria-label="Zoom out"
        >
          −
        </button>
        <button
          type="button"
          className="button"
          disabled={!hasImage}
          onClick={() => zoomBy(1.25)}
          title="Zoom in (+)"
          aria-label="Zoom in"
        >
          +
        </button>
        <button
          type="button"
          className="button"
          disabled={!hasImage}
          onClick={fitToView}
          title="Fit the image in the window (0)"
        >
          Fit
        </button>
        <button
          type="button"
          className="button"
          disabled={!hasImage}
          onClick={() => zoomToActual()}
          title="Actual pixels (1)"
        >
          100%
        </button>
      </div>
    </header>
  );
}
