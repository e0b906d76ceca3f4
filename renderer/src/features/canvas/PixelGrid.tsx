/**
 * Lines between image pixels at high zoom, as Photoshop and Figma draw them, so single pixels can be
 * told apart. Only the lines inside the viewport are drawn, one screen pixel wide at any zoom.
 */
import type Konva from 'konva';
import { Shape } from 'react-konva';
import type { Size, ViewTransform } from '../../state/viewTransform';

/** The grid appears from 800 %: below that, lines would cover too much of each pixel. */
export const PIXEL_GRID_FROM_SCALE = 8;

export function PixelGrid({ image, view, viewport }: { image: Size; view: ViewTransform; viewport: Size }) {
  if (view.scale < PIXEL_GRID_FROM_SCALE) return null;
  const x0 = Math.max(0, Math.floor(-view.x / view.scale));
  const x1 = Math.min(image.width, Math.ceil((viewport.width - view.x) / view.scale));
  const y0 = Math.max(0, Math.floor(-view.y / view.scale));
  const y1 = Math.min(image.height, Math.ceil((viewport.height - view.y) / view.scale));
  if (x1 <= x0 || y1 <= y0) return null;
  const draw = (context: Konva.Context, shape: Konva.Shape) => {
    context.beginPath();
    for (let x = x0; x <= x1; x++) {
      context.moveTo(x, y0);
      context.lineTo(x, y1);
    }
    for (let y = y0; y <= y1; y++) {
      context.moveTo(x0, y);
      context.lineTo(x1, y);
    }
    context.strokeShape(shape);
  };
  return (
    <Shape
      sceneFunc={draw}
      stroke="rgba(128, 128, 128, 0.45)"
      strokeWidth={1}
      strokeScaleEnabled={false}
      listening={false}
      perfectDrawEnabled={false}
    />
  );
}
