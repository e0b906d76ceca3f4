/**
 * The Konva stage: sized to its host element, transformed by the store's view, drawing the shown version,
 * or two versions being compared, the changed-pixels overlay, the edit region and the run's live preview.
 * The view transform is applied on the Stage itself, so stage coordinates are image pixels.
 */
import type Konva from 'konva';
import { useCallback, useMemo, useRef } from 'react';
import { Group, Image as KonvaImage, Layer, Line, Rect, Stage } from 'react-konva';
import { useServices } from '../../actions/services';
import { useAppStore, useAppStoreApi } from '../../state/useAppStore';
import { needsMaskImage } from '../../state/regionSlice';
import { fitView } from '../../state/viewTransform';
import { versionKey } from '../../actions/editorContext';
import { checkerboardTile } from './checkerboard';
import { PixelGrid } from './PixelGrid';
import { PreviewLayer } from './PreviewLayer';
import { RegionLayer } from './RegionLayer';
import { useCanvasNavigation } from './useCanvasNavigation';
import { useElementSize } from './useElementSize';
import { useImageBitmap } from './useImageBitmap';
import { useToolPointer } from './useToolPointer';

/** Above this zoom each image pixel is drawn as a hard-edged square, as image editors do. */
const PIXELATED_FROM_SCALE = 2;
const SIDE_GAP = 16;

export function CanvasStage({ onStage }: { onStage?: (stage: Konva.Stage | null) => void }) {
  const store = useAppStoreApi();
  const { images, preview } = useServices();
  const host = useRef<HTMLDivElement>(null);
  const viewport = useAppStore((s) => s.viewport);
  const storeView = useAppStore((s) => s.view);
  const image = useAppStore((s) => s.image);
  const projectId = useAppStore((s) => s.project?.projectId ?? null);
  const compareMode = useAppStore((s) => s.compareMode);
  const compareA = useAppStore((s) => s.compareA);
  const compareB = useAppStore((s) => s.compareB);
  const position = useAppStore((s) => s.comparePosition);
  const showDiff = useAppStore((s) => s.showDiff);
  const diff = useAppStore((s) => s.diff);
  const region = useAppStore((s) => s.region);
  const maskVisible = useAppStore((s) => s.maskVisible);
  const textBox = useAppStore((s) => s.text.box);
  const tool = useAppStore((s) => s.tool);
  const bitmap = useImageBitmap(images, image?.id);
  const bitmapA = useImageBitmap(images, projectId && compareA ? versionKey(projectId, compareA) : null);
  const bitmapB = useImageBitmap(images, projectId && compareB ? versionKey(projectId, compareB) : null);
  const diffMask = useImageBitmap(images, diff ? `diff:${diff.a}:${diff.b}` : null);
  const diffOverlay = useMemo(() => (diffMask ? tintMask(diffMask) : null), [diffMask]);
  const { spaceHeld, panning } = useCanvasNavigation(host, store);
  const draft = useToolPointer(host, store, spaceHeld);
  useElementSize(
    host,
    useCallback((width, height) => store.getState().setViewport({ width, height }), [store]),
  );

  const comparing = compareMode !== 'off' && bitmapA && bitmapB && image;
  // Both compared versions are drawn in the shown image's box, whatever their own sizes.
  const w = image?.width ?? 0;
  const h = image?.height ?? 0;
  const view =
    comparing && compareMode === 'side'
      ? fitView({ width: 2 * w + SIDE_GAP, height: h }, viewport)
      : storeView;
  const zoom = Math.round(view.scale * 100);
  const label = image
    ? comparing
      ? `Canvas comparing two versions of ${image.name}, ${compareMode === 'side' ? 'side by side' : 'with a slider'}`
      : `Canvas showing ${image.name}, ${image.width} by ${image.height} pixels, at ${zoom} percent`
    : 'Canvas, no image open';
  const drawing = tool !== 'navigate' && !spaceHeld && compareMode === 'off';
  const cursor = panning
    ? 'grabbing'
    : spaceHeld && image
      ? 'grab'
      : drawing && image
        ? 'crosshair'
        : 'default';
  const split = w * position;
  const backdrop = (x: number) => (
    <Rect
      x={x}
      width={w}
      height={h}
      fillPatternImage={checkerboardTile()}
      fillPatternScaleX={1 / view.scale}
      fillPatternScaleY={1 / view.scale}
      shadowColor="#000"
      shadowBlur={16 / view.scale}
      shadowOpacity={0.5}
      perfectDrawEnabled={false}
    />
  );

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
          <Layer
            imageSmoothingEnabled={view.scale < PIXELATED_FROM_SCALE}
            listening={false}
            name="image-layer"
          >
            {image && comparing && compareMode === 'side' && (
              <>
                {backdrop(0)}
                <KonvaImage image={bitmapA} width={w} height={h} perfectDrawEnabled={false} />
                {backdrop(w + SIDE_GAP)}
                <KonvaImage
                  image={bitmapB}
                  x={w + SIDE_GAP}
                  width={w}
                  height={h}
                  perfectDrawEnabled={false}
                />
              </>
            )}
            {image && comparing && compareMode === 'slider' && (
              <>
                {backdrop(0)}
                <Group clipX={0} clipY={0} clipWidth={split} clipHeight={h}>
                  <KonvaImage image={bitmapA} width={w} height={h} perfectDrawEnabled={false} />
                </Group>
                <Group clipX={split} clipY={0} clipWidth={w - split} clipHeight={h}>
                  <KonvaImage image={bitmapB} width={w} height={h} perfectDrawEnabled={false} />
                </Group>
                <Line points={[split, 0, split, h]} stroke="#fff" strokeWidth={2 / view.scale} />
              </>
            )}
            {image && bitmap && !comparing && (
              <>
                {backdrop(0)}
                <KonvaImage image={bitmap} width={w} height={h} perfectDrawEnabled={false} />
              </>
            )}
            {image && comparing && showDiff && diffOverlay && (
              <KonvaImage
                image={diffOverlay as unknown as HTMLImageElement}
                x={compareMode === 'side' ? w + SIDE_GAP : 0}
                width={w}
                height={h}
                perfectDrawEnabled={false}
              />
            )}
          </Layer>
          {image && !comparing && (
            <RegionLayer
              region={region}
              draft={draft}
              textBox={textBox}
              scale={view.scale}
              visible={maskVisible || !!draft.box || !!draft.stroke || !!draft.textBox}
              imageSize={{ width: w, height: h }}
            />
          )}
          {image && (
            <PreviewLayer
              sink={preview}
              size={{ width: w, height: h }}
              clip={region.box && !needsMaskImage(region) ? region.box : null}
            />
          )}
          <Layer listening={false}>
            {image && (bitmap || comparing) && compareMode !== 'side' && (
              <PixelGrid image={image} view={view} viewport={viewport} />
            )}
          </Layer>
        </Stage>
      )}
    </div>
  );
}

/** The diff mask (white = changed) as a translucent magenta overlay, transparent where nothing changed. */
function tintMask(mask: ImageBitmap): HTMLCanvasElement {
  const canvas = document.createElement('canvas');
  canvas.width = mask.width;
  canvas.height = mask.height;
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  if (!ctx) return canvas;
  ctx.drawImage(mask, 0, 0);
  const data = ctx.getImageData(0, 0, mask.width, mask.height);
  const d = data.data;
  for (let i = 0; i < d.length; i += 4) {
    const changed = d[i]! > 127;
    d[i] = 255;
    d[i + 1] = 0;
    d[i + 2] = 200;
    d[i + 3] = changed ? 150 : 0;
  }
  ctx.putImageData(data, 0, 0);
  return canvas;
}
