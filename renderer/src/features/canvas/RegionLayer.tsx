/** The edit region on the canvas: the box, brushed mask strokes (erase strokes cut them), the text box. */
import { Layer, Line, Rect } from 'react-konva';
import type { Box, RegionState, Stroke } from '../../state/regionSlice';

const MASK_FILL = 'rgba(255, 70, 70, 0.45)';

export function RegionLayer({
  region,
  draft,
  textBox,
  scale,
  visible,
}: {
  region: RegionState;
  draft: { box?: Box | null; stroke?: Stroke | null; textBox?: Box | null };
  textBox: Box | null;
  scale: number;
  visible: boolean;
}) {
  const strokes = draft.stroke ? [...region.strokes, draft.stroke] : region.strokes;
  const box = draft.box !== undefined ? draft.box : region.box;
  const tBox = draft.textBox !== undefined ? draft.textBox : textBox;
  return (
    <Layer listening={false} visible={visible} name="region-layer">
      {strokes.map((s, i) => (
        <Line
          key={i}
          points={[...s.points, ...(s.points.length === 2 ? s.points : [])]}
          stroke={s.mode === 'paint' ? MASK_FILL : '#000'}
          strokeWidth={s.radius * 2}
          lineCap="round"
          lineJoin="round"
          globalCompositeOperation={s.mode === 'erase' ? 'destination-out' : 'source-over'}
          listening={false}
          perfectDrawEnabled={false}
        />
      ))}
      {box && (
        <Rect
          {...box}
          fill="rgba(255, 70, 70, 0.18)"
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
