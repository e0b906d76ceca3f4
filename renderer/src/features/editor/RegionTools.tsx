/**
 * The canvas tools (navigate, box, brush, lasso, eraser, text) and the region's controls: grow/shrink,
 * invert, feather, show and clear.
 */
import { EDIT_LIMITS } from '../../../../electron/shared/editVocabulary';
import { TOOLS } from '../../actions/tools';
import { GROW_RANGE, hasRegion, type RegionState } from '../../state/regionSlice';
import { useAppStore } from '../../state/useAppStore';
import { NumberField } from '../../ui/NumberField';

export function RegionTools() {
  const tool = useAppStore((s) => s.tool);
  const setTool = useAppStore((s) => s.setTool);
  const region = useAppStore((s) => s.region);
  const clear = useAppStore((s) => s.clearRegion);
  const brushSize = useAppStore((s) => s.brushSize);
  const setBrushSize = useAppStore((s) => s.setBrushSize);
  const maskVisible = useAppStore((s) => s.maskVisible);
  const setMaskVisible = useAppStore((s) => s.setMaskVisible);
  const setOptions = useAppStore((s) => s.setRegionOptions);
  const feather = useAppStore((s) => s.feather);
  const setFeather = useAppStore((s) => s.setFeather);
  const active = hasRegion(region);
  return (
    <fieldset className="region-tools">
      <legend className="field-label">Region</legend>
      <div className="tool-buttons" role="toolbar" aria-label="Canvas tools">
        {TOOLS.map((t) => (
          <button
            key={t.tool}
            type="button"
            className={`button chip${tool === t.tool ? ' active' : ''}`}
            aria-pressed={tool === t.tool}
            onClick={() => setTool(t.tool)}
            title={`${t.hint} (${t.key})`}
          >
            {t.label}
          </button>
        ))}
      </div>
      {(tool === 'brush' || tool === 'erase') && (
        <div className="control-row">
          <label htmlFor="brush-size">Size</label>
          <input
            id="brush-size"
            aria-label="Brush size"
            type="range"
            min={2}
            max={200}
            value={brushSize}
            onChange={(e) => setBrushSize(e.currentTarget.valueAsNumber)}
          />
          <span className="hint">{brushSize} px</span>
        </div>
      )}
      <div className="control-row">
        <p className="hint" data-testid="region-status">
          {regionSummary(region, active)}
        </p>
      </div>
      {active && (
        <div className="control-row">
          <label htmlFor="region-grow">Grow</label>
          <NumberField
            id="region-grow"
            className="field number"
            aria-label="Grow or shrink the region (pixels)"
            title="Pixels to grow the region by; negative shrinks it"
            min={GROW_RANGE.min}
            max={GROW_RANGE.max}
            value={region.grow ?? 0}
            onCommit={(grow) => setOptions({ grow })}
          />
          <label htmlFor="region-feather">Feather</label>
          <NumberField
            id="region-feather"
            className="field number"
            aria-label="Feather (pixels)"
            title="How many pixels the region's edge blends over"
            min={EDIT_LIMITS.feather.min}
            max={EDIT_LIMITS.feather.max}
            value={feather}
            onCommit={setFeather}
          />
          <label className="checkbox">
            <input
              type="checkbox"
              checked={region.invert === true}
              onChange={(e) => setOptions({ invert: e.currentTarget.checked })}
            />
            Invert
          </label>
        </div>
      )}
      <div className="control-row">
        <label className="checkbox">
          <input
            type="checkbox"
            checked={maskVisible}
            onChange={(e) => setMaskVisible(e.currentTarget.checked)}
          />
          Show region
        </label>
        <button
          type="button"
          className="button"
          disabled={!active && region.strokes.length === 0}
          onClick={clear}
        >
          Clear region
        </button>
      </div>
    </fieldset>
  );
}

function regionSummary(region: RegionState, active: boolean): string {
  if (!active) return 'Whole image';
  const shape =
    region.box && region.strokes.length === 0 && !region.base
      ? `Box ${region.box.width}×${region.box.height} at ${region.box.x},${region.box.y}`
      : region.base && region.strokes.length === 0 && !region.box
        ? 'Mask from the recipe'
        : 'Painted mask';
  const grow = region.grow
    ? region.grow > 0
      ? `, grown ${region.grow} px`
      : `, shrunk ${-region.grow} px`
    : '';
  return region.invert
    ? `${shape}${grow}, inverted: pixels inside stay identical`
    : `${shape}${grow}: pixels outside stay identical`;
}
