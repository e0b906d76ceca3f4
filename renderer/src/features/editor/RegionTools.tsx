/** The canvas tools (navigate, box, brush, eraser, text) and the region's show/clear controls. */
import { TOOLS } from '../../actions/tools';
import { hasRegion } from '../../state/regionSlice';
import { useAppStore } from '../../state/useAppStore';

export function RegionTools() {
  const tool = useAppStore((s) => s.tool);
  const setTool = useAppStore((s) => s.setTool);
  const region = useAppStore((s) => s.region);
  const clear = useAppStore((s) => s.clearRegion);
  const brushSize = useAppStore((s) => s.brushSize);
  const setBrushSize = useAppStore((s) => s.setBrushSize);
  const maskVisible = useAppStore((s) => s.maskVisible);
  const setMaskVisible = useAppStore((s) => s.setMaskVisible);
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
          {active
            ? region.box && region.strokes.length === 0
              ? `Box ${region.box.width}×${region.box.height} at ${region.box.x},${region.box.y}: pixels outside stay identical`
              : 'Painted mask: pixels outside stay identical'
            : 'Whole image'}
        </p>
      </div>
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
