/** Compare controls over the canvas: slider position, slider/side-by-side, changed-pixels overlay, close. */
import { useServices } from '../../app/services';
import { useAppStore } from '../../store/useAppStore';

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
  if (mode === 'off' || !a || !b) return null;
  return (
    <div className="compare-bar" role="toolbar" aria-label="Compare">
      <span className="hint">Before ◀ ▶ After</span>
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
