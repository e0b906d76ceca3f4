/** Compare controls over the canvas: slider position, slider/side-by-side, changed-pixels overlay, close. */
import { useServices } from '../../actions/services';
import { useAppStore } from '../../state/useAppStore';

export function CompareBar() {
  const { editor } = useServices();
  const mode = useAppStore((s) => s.compareMode);
  const a = useAppStore((s) => s.compareA);
  const b = useAppStore((s) => s.compareB);
  const position = useAppStore((s) => s.comparePosition);
  const setPosition = useAppStore((s) => s.setComparePosition);
  const showDiff = useAppStore((s) => s.showDiff);
  const setShowDiff = useAppStore((s) => s.setShowDiff);
  const diff = useAppStore((s) => s.diff);
  const diffError = useAppStore((s) => s.diffError);
  const stop = useAppStore((s) => s.stopCompare);
  const versions = useAppStore((s) => s.project?.versions);
  const unavailable = useAppStore((s) => s.project?.unavailable);
  if (mode === 'off' || !a || !b || !versions) return null;
  const name = (id: string) => {
    const v = versions.find((x) => x.id === id);
    const text = v?.label || v?.recipe?.prompt || v?.sourceName || 'Original';
    return text.length > 28 ? `${text.slice(0, 28)}…` : text;
  };
  // Versions whose image is missing cannot be drawn.
  const choices = versions.filter((v) => !unavailable?.includes(v.id));
  return (
    <div className="compare-bar" role="toolbar" aria-label="Compare">
      <select
        className="field compare-select"
        aria-label="Before"
        value={a}
        onChange={(e) => void editor.compare(mode, e.currentTarget.value, b)}
      >
        {choices.map((v) => (
          <option key={v.id} value={v.id}>
            Before: {name(v.id)}
          </option>
        ))}
      </select>
      {mode === 'slider' && (
        <input
          type="range"
          aria-label="Compare position"
          min={0}
          max={100}
          value={Math.round(position * 100)}
          onChange={(e) => setPosition(e.currentTarget.valueAsNumber / 100)}
        />
      )}
      <button
        type="button"
        className="button"
        onClick={() => void editor.compare(mode === 'slider' ? 'side' : 'slider', a, b)}
      >
        {mode === 'slider' ? 'Side by side' : 'Slider'}
      </button>
      <select
        className="field compare-select"
        aria-label="After"
        value={b}
        onChange={(e) => void editor.compare(mode, a, e.currentTarget.value)}
      >
        {choices.map((v) => (
          <option key={v.id} value={v.id}>
            After: {name(v.id)}
          </option>
        ))}
      </select>
      <label className="checkbox" title="Highlight every pixel that differs between the two versions">
        <input
          type="checkbox"
          checked={showDiff}
          disabled={!diff}
          onChange={(e) => setShowDiff(e.currentTarget.checked)}
        />
        Changed pixels
      </label>
      <span className="hint" data-testid="diff-summary">
        {diff
          ? `${(diff.changedFraction * 100).toFixed(1)}% changed`
          : diffError
            ? `No overlay: ${diffError}`
            : 'Comparing…'}
      </span>
      <button type="button" className="button" onClick={stop} title="Stop comparing (Esc)">
        Done
      </button>
    </div>
  );
}
