/**
 * The centre of the window: the canvas, its empty state, the drop zone for image files, and the notices (over
 * the canvas, so they never cover a control).
 */
import type Konva from 'konva';
import { useServices } from '../actions/services';
import { useAppStore } from '../state/useAppStore';
import { OpenImageButton } from '../features/open/OpenImageButton';
import { useFileDrop } from '../features/open/useFileDrop';
import { CompareBar } from '../features/compare/CompareBar';
import { VariationsGrid } from '../features/versions/VariationsGrid';
import { CanvasStage } from '../features/canvas/CanvasStage';
import { Notices } from './Notices';

export function CanvasArea({ onStage }: { onStage?: (stage: Konva.Stage | null) => void }) {
  const { openImage } = useServices();
  const hasImage = useAppStore((s) => s.image !== null);
  const activity = useAppStore((s) => s.activity);
  const drop = useFileDrop((file) => void openImage(file));

  return (
    <main className="canvas-area" aria-label="Canvas area" data-testid="canvas-area" {...drop.handlers}>
      <CanvasStage onStage={onStage} />
      <CompareBar />
      <VariationsGrid />
      <Notices />
      {!hasImage && (
        <div className="empty-state">
          <p className="empty-title">Open an image to start editing</p>
          <p className="empty-hint">Drop a PNG, JPEG or WebP here, or</p>
          <OpenImageButton className="button button-primary">Choose an image…</OpenImageButton>
        </div>
      )}
      {drop.over && (
        <div className="drop-overlay" aria-hidden="true">
          Drop to open
        </div>
      )}
      {activity && (
        <div className="activity" role="status">
          {activity}
        </div>
      )}
    </main>
  );
}
