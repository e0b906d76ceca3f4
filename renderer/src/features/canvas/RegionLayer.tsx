/**
 * The edit region on the canvas: a restored mask, the box, brushed strokes and lassos (erase ones cut them),
 * shaded inside out when the region is inverted; and the text box.
 */
import { Image as KonvaImage, Layer, Line, Rect } from 'react-konva';
import type { Box, RegionState, Stroke } from '../../state/regionSlice';
import { useTintedMask } from './useTintedMask';

const MASK_FILL = 'rgba(255, 70, 70, 0.45)';
const MASK_RGBA = [255, 70, 70, 115] as const;

export function RegionLayer({
  region,
  draft,
  textBox,
  scale,
  visible,
  imageSize,
}: {
  region: RegionState;
  draft: { box?: Box | null; stroke?: Stroke | null; textBox?: Box | null };
  textBox: Box | null;
  scale: number;
  visible: boolean;
  imageSize: { width: number; height: number };
}) {
  const strokes = draft.stroke ? [...region.strokes, draft.stroke] : region.strokes;
  const box = draft.box !== undefined ? draft.box : region.box;
  const tBox = draft.textBox !== undefined ? draft.textBox : textBox;
  const base = useTintedMask(region.base, MASK_RGBA);
  const invert = region.invert === true;
  // Inverted, the shading covers the image and what is drawn cuts it away.
  const adds = invert ? 'destination-out' : 'source-over';
  const cuts = invert ? 'source-over' : 'destination-out';
  return (
    <Layer listening={false} visible={visible} name="region-layer">
      {invert && <Rect {...imageSize} fill={MASK_FILL} listening={false} />}
      {base && (
        <KonvaImage
          image={base as unknown as HTMLImageElement}
          {...imageSize}
          globalCompositeOperation={adds}
          listening={false}
        />
      )}
      {strokes.map((s, i) =>
        s.shape === 'lasso' ? (
          <Line
            key={i}
            points={[...s.points]}
            closed
            fill={s.mode === 'paint' || invert ? MASK_FILL : '#000'}
            stroke="#ff5a5a"
            strokeWidth={1 / scale}
            globalCompositeOperation={s.mode === 'paint' ? adds : cuts}
            listening={false}
            perfectDrawEnabled={false}
          />
        ) : (
          <Line
            key={i}
            points={[...s.points, ...(s.points.length === 2 ? s.points : [])]}
            stroke={s.mode === 'paint' || invert ? MASK_FILL : '#000'}
            strokeWidth={s.radius * 2}
            lineCap="round"
            lineJoin="round"
            globalCompositeOperation={s.mode === 'paint' ? adds : cuts}
            listening={false}
            perfectDrawEnabled={false}
          />
        ),
      )}
      {box && (
        <Rect
          {...box}
          fill="rgba(255, 70, 70, 0.18)"
          stroke="#ff5a5a"
          strokeWidth={2 / scale}
          dash={[6 / scale, 4 / scale]}
          globalCompositeOperation={invert ? 'destination-out' : 'source-over'}
          listening={false}
        />
      )}
      {box && invert && (
        <Rect
          {...box}
          stroke="#ff5a5a"
          strokeWidth={2 / scale}
          dash={[6 / scale, 4 / scale]}
          listening={false}
        />
      )}
      {tBox && (
        <Rect
          {...tBox}
          fill="rgba(255, 210, 60, 0.15)"
          stroke="#ffd23c"
          strokeWidth={2 / scale}
          dash={[6 / scale, 4 / scale]}
          listening={false}
        />
      )}
    </Layer>
  );
}
