/**
 * The Konva stage: sized to its host element, transformed by the store's view, drawing the open image.
 * The view transform is applied on the Stage itself, so stage coordinates are image pixels.
 */
import type Konva from 'konva';
import { useCallback, useRef } from 'react';
import { Image as KonvaImage, Layer, Rect, Stage } from 'react-konva';
import { useServices } from '../../app/services';
import { useAppStore, useAppStoreApi } from '../../store/useAppStore';
import { checkerboardTile } from './checkerboard';
import { PixelGrid } from './PixelGrid';
import { useCanvasNavigation } from './useCanvasNavigation';
import { useElementSize } from './useElementSize';
import { useImageBitmap } from './useImageBitmap';

/** Above this zoom each image pixel is drawn as a hard-edged square, as image editors do. */
const PIXELATED_FROM_SCALE = 2;

export function CanvasStage({ onStage }: { onStage?: (stage: Konva.Stage | null) => void }) {
  const store = useAppStoreApi();
  const { images } = useServices();
  const host = useRef<HTMLDivElement>(null);
  const viewport = useAppStore((s) => s.viewport);
  const view = useAppStore((s) => s.view);
  const image = useAppStore((s) => s.image);
  const bitmap = useImageBitmap(images, image?.id);
  const { spaceHeld, panning } = useCanvasNavigation(host, store);
  useElementSize(
    host,
    useCallback((width, height) => store.getState().setViewport({ width, height }), [store]),
  );

  const zoom = Math.round(view.scale * 100);
  const label = image
    ? `Canvas showing ${image.name}, ${image.width} by ${image.height} pixels, at ${zoom} percent`
    : 'Canvas, no image open';
  const cursor = panning ? 'grabbing' : spaceHeld && image ? 'grab' : 'default';

  return (
    <div
      ref={host}
      className="stage-host"
      role="img"
      aria-label={label}
      tabIndex={0}
      style={{ cursor }}
      onPointerDown={(e) => e.currentTarget.focus({ preventScroll: true })}
    >
      {viewport.width > 0 && viewport.height > 0 && (
        <Stage
          ref={onStage}
          width={viewport.width}
          height={viewport.height}
          scaleX={view.scale}
          scaleY={view.scale}
          x={view.x}
          y={view.y}
          listening={false}
        >
          <Layer imageSmoothingEnabled={view.scale < PIXELATED_FROM_SCALE} listening={false}>
            {image && bitmap && (
              <>
                {/* A checkerboard shows transparency; its shadow sets the image's edge off the background. */}
                <Rect
                  width={image.width}
                  height={image.height}
                  fillPatternImage={checkerboardTile()}
                  fillPatternScaleX={1 / view.scale}
                  fillPatternScaleY={1 / view.scale}
                  shadowColor="#000"
                  shadowBlur={16 / view.scale}
                  shadowOpacity={0.5}
                  perfectDrawEnabled={false}
                />
                <KonvaImage
                  image={bitmap}
                  width={image.width}
                  height={image.height}
                  perfectDrawEnabled={false}
                />
              </>
            )}
          </Layer>
          <Layer listening={false}>
            {image && bitmap && <PixelGrid image={image} view={view} viewport={viewport} />}
          </Layer>
        </Stage>
      )}
    </div>
  );
}
